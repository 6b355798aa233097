export * from './json-logger.js';
export * from './metrics.js';
export * from './health.js';
export * from './probe-registry.js';
