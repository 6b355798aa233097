export * from './principal.js';
export * from './claims.js';
export * from './jwks-key-store.js';
export * from './jwt.strategy.js';
export * from './verified-token-cache.js';
export * from './api-key.js';
export * from './dev-token.js';
