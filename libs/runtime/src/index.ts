export * from './run-app.js';
export * from './core.module.js';
export * from './lifecycle.js';
export * from './exception.filter.js';
