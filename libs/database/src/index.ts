export * from './data-source.js';
export * from './tenant-scoped-db.js';
export * from './postgres-probe.js';
export * from './database.module.js';
