/**
 * Lower-case letters, digits and inner hyphens, 2–40 characters (`tenant-123`, `acme`). Tight on
 * purpose: the id becomes part of a schema name, a Redis key and a NATS subject token. Contracts
 * use it in their validators; `#tenancy` turns a matching string into a branded TenantId.
 */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;
