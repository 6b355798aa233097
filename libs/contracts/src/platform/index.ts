export * from './status-get/status-get.js';
