// Contracts of mcp-tracehub: reading traces over NATS on behalf of a principal the gateway verified.
export * from './jaeger.js';
export * from './queries.js';
