export * from './namespace.js';
export * from './test-database.js';
export * from './app-process.js';
export * from './tcp-proxy.js';
export * from './nats-test-client.js';
export * from './test-platform.js';
