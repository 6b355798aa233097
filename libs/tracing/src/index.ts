export * from './start-tracing.js';
export * from './nats-propagation.js';
