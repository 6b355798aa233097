export * from './tenant-id.js';
export * from './tenant-context.js';
export * from './tenant-access.js';
