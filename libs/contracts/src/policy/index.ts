// Contracts of mcp-policy-proxy: one folder per message (subject, validated request class, reply type).
export * from './decision-evaluate/decision-evaluate.js';
export * from './decision-evaluate-batch/decision-evaluate-batch.js';
export * from './rule-add/rule-add.js';
export * from './rule-remove/rule-remove.js';
export * from './rule-list/rule-list.js';
export * from './binding-add/binding-add.js';
export * from './binding-remove/binding-remove.js';
export * from './binding-list/binding-list.js';
export * from './version-get/version-get.js';
export * from './version-rollback/version-rollback.js';
export * from './tenant-bootstrap/tenant-bootstrap.js';
export * from './audit-verify/audit-verify.js';
export * from './policy-changed/policy-changed.js';
