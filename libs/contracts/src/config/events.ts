import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Min } from 'class-validator';
import { defineEvent } from '../rpc.js';
import type { FlagDefinition, TenantRecord } from './model.js';

/**
 * Change events of mcp-config: CloudEvents 1.0 on `events.config.<noun>.<verb>`, `data` as
 * below. Every committed change takes the next config `revision` (one counter for all
 * kinds, no holes), so a subscriber that sees revision N+2 after N knows it missed one
 * and resynchronizes (config.sync.snapshot). Payloads never carry config values or
 * secrets: subscribers that need a value read it through config.entry.get.
 */
class RevisionedEvent {
  @IsInt()
  @Min(1)
  revision!: number;
}

export class EntryChangedData extends RevisionedEvent {
  @IsString() key!: string;
  @IsString() environment!: string;
  @IsOptional() @IsString() tenantId!: string | null;
  @IsInt() version!: number;
  @IsIn(['set', 'rollback']) operation!: 'set' | 'rollback';
  @IsString() actor!: string;
}

export class SchemaChangedData extends RevisionedEvent {
  @IsString() key!: string;
  @IsString() actor!: string;
}

export class FlagChangedData extends RevisionedEvent {
  @IsIn(['set', 'kill', 'unkill']) operation!: 'set' | 'kill' | 'unkill';
  /** The whole flag after the change (receivers replace their copy when `version` is newer). */
  @IsObject() flag!: FlagDefinition;
}

export class TenantChangedData extends RevisionedEvent {
  @IsIn(['onboarded', 'updated', 'suspended', 'resumed', 'deleted', 'policies-installed'])
  operation!: 'onboarded' | 'updated' | 'suspended' | 'resumed' | 'deleted' | 'policies-installed';
  /** The whole tenant after the change. */
  @IsObject() tenant!: TenantRecord;
}

export class ApiKeyCreatedData extends RevisionedEvent {
  @IsString() keyId!: string;
  @IsString() tenantId!: string;
  @IsString() prefix!: string;
  @IsArray() @IsString({ each: true }) roles!: string[];
}

export class ApiKeyRevokedData extends RevisionedEvent {
  @IsString() keyId!: string;
  @IsString() tenantId!: string;
  @IsString() prefix!: string;
}

export class SecretChangedData extends RevisionedEvent {
  /** The secret's name; never its value or ciphertext. */
  @IsString() name!: string;
  @IsOptional() @IsString() tenantId!: string | null;
  @IsIn(['put']) operation!: 'put';
}

export const ConfigEntryChanged = defineEvent('events.config.entry.changed', EntryChangedData);
export const ConfigSchemaChanged = defineEvent('events.config.schema.changed', SchemaChangedData);
export const ConfigFlagChanged = defineEvent('events.config.flag.changed', FlagChangedData);
export const ConfigTenantChanged = defineEvent('events.config.tenant.changed', TenantChangedData);
export const ConfigApiKeyCreated = defineEvent('events.config.apikey.created', ApiKeyCreatedData);
export const ConfigApiKeyRevoked = defineEvent('events.config.apikey.revoked', ApiKeyRevokedData);
export const ConfigSecretChanged = defineEvent('events.config.secret.changed', SecretChangedData);

export const CONFIG_EVENT_SUBJECTS = {
  entryChanged: 'events.config.entry.changed',
  schemaChanged: 'events.config.schema.changed',
  flagChanged: 'events.config.flag.changed',
  tenantChanged: 'events.config.tenant.changed',
  apikeyCreated: 'events.config.apikey.created',
  apikeyRevoked: 'events.config.apikey.revoked',
  secretChanged: 'events.config.secret.changed',
} as const;

/** Subscribe to this to see every config change (NATS wildcard). */
export const CONFIG_EVENTS_WILDCARD = 'events.config.>';

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
