export * from './flag-evaluator.js';
export * from './config-state.js';
export * from './config-client.js';
export * from './nats-transport.js';
export * from './secret-refs.js';
