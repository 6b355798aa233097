export * from './errors.js';
export * from './rpc.js';
export * from './cloudevent.js';
export * from './platform/index.js';
export * from './config/index.js';
export * from './policy/index.js';
export * from './tracehub/index.js';
export * from './orchestrator/index.js';
