export * from './nats-client.js';
export * from './nats-transport.js';
export * from './rpc-client.js';
export * from './event-bus.js';
export * from './payload-validation.js';
export * from './error-body.js';
export * from './json.js';
