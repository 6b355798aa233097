import { IsDefined, IsOptional, IsString, Matches } from 'class-validator';
import type { JsonValue } from './model.js';

/** Config keys and flag keys: dotted lower-case names (`gateway.timeouts`, `new-ui`). */
export const CONFIG_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** Environments (`dev`, `stage`, `prod`) or `*`, the default scope every environment inherits. */
export const ENVIRONMENT_PATTERN = /^(\*|[a-z][a-z0-9-]{0,31})$/;
export const DEFAULT_ENVIRONMENT = '*';

/**
 * Where an entry lives: (key, environment, tenant). A read resolves tenant → environment →
 * default (`*`); a write addresses exactly one scope.
 */
export class EntryScope {
  @Matches(CONFIG_KEY_PATTERN)
  key: string;

  @Matches(ENVIRONMENT_PATTERN)
  environment: string;

  /** Validated as a tenant id (#tenancy) by the service before any use. */
  @IsOptional()
  @IsString()
  tenantId?: string;
}

/** An entry as the read API returns it: secret references are replaced by `{"$secret":"[redacted]"}`. */
export interface EntryView {
  key: string;
  environment: string;
  tenantId: string | null;
  value: JsonValue;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** class-validator has no "any JSON" rule; presence is checked here, the JSON Schema does the rest. */
export const AnyJson = () => IsDefined();
