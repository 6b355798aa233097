export * from './schema.js';
export * from './common.js';
export * from './load.js';
