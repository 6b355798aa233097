import type { FlagDefinition, TenantRecord } from './model.js';

/**
 * Change events of mcp-config: CloudEvents 1.0 on `events.config.<noun>.<verb>`, `data` as
 * below. Every committed change takes the next config `revision` (one counter for all
 * kinds, no holes), so a subscriber that sees revision N+2 after N knows it missed one
 * and resynchronizes (config.sync.snapshot). Payloads never carry config values or
 * secrets: subscribers that need a value read it through config.entry.get.
 */
export const CONFIG_EVENT_SUBJECTS = {
  entryChanged: 'events.config.entry.changed',
  schemaChanged: 'events.config.schema.changed',
  flagChanged: 'events.config.flag.changed',
  tenantChanged: 'events.config.tenant.changed',
  apikeyCreated: 'events.config.apikey.created',
  apikeyRevoked: 'events.config.apikey.revoked',
  secretChanged: 'events.config.secret.changed',
} as const;

export type ConfigEventSubject = (typeof CONFIG_EVENT_SUBJECTS)[keyof typeof CONFIG_EVENT_SUBJECTS];

/** Subscribe to this to see every config change (NATS wildcard). */
export const CONFIG_EVENTS_WILDCARD = 'events.config.>';

/** CloudEvents `source` of everything mcp-config publishes. */
export const CONFIG_EVENT_SOURCE = 'mcp-config';

export interface EntryChangedData {
  revision: number;
  key: string;
  environment: string;
  tenantId: string | null;
  version: number;
  operation: 'set' | 'rollback';
  actor: string;
}

export interface SchemaChangedData {
  revision: number;
  key: string;
  actor: string;
}

export interface FlagChangedData {
  revision: number;
  operation: 'set' | 'kill' | 'unkill';
  flag: FlagDefinition;
}

export interface TenantChangedData {
  revision: number;
  operation: 'onboarded' | 'updated' | 'suspended' | 'resumed' | 'deleted' | 'policies-installed';
  tenant: TenantRecord;
}

export interface ApiKeyCreatedData {
  revision: number;
  keyId: string;
  tenantId: string;
  prefix: string;
  roles: string[];
}

export interface ApiKeyRevokedData {
  revision: number;
  keyId: string;
  tenantId: string;
  prefix: string;
}

export interface SecretChangedData {
  revision: number;
  /** The secret's name; never its value or ciphertext. */
  name: string;
  tenantId: string | null;
  operation: 'put';
}

export type ConfigEvent =
  | { subject: typeof CONFIG_EVENT_SUBJECTS.entryChanged; data: EntryChangedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.schemaChanged; data: SchemaChangedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.flagChanged; data: FlagChangedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.tenantChanged; data: TenantChangedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.apikeyCreated; data: ApiKeyCreatedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.apikeyRevoked; data: ApiKeyRevokedData }
  | { subject: typeof CONFIG_EVENT_SUBJECTS.secretChanged; data: SecretChangedData };

/** Reply of config.sync.snapshot: everything #config-client caches, at one revision. */
export interface ConfigSnapshot {
  revision: number;
  flags: FlagDefinition[];
  tenants: TenantRecord[];
}
