import { ActorField } from '../../audit-fields.js';
import { Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { AnyJson, CONFIG_KEY_PATTERN } from '../common.js';
import type { JsonValue } from '../model.js';

/**
 * Registers the JSON Schema (draft 2020-12 subset Ajv supports, `format` as annotation)
 * every later write of `key` is validated against, in every scope. Existing values are
 * checked too: a schema that a stored value violates is refused with those paths.
 */
export class SchemaSetRequest {
  @Matches(CONFIG_KEY_PATTERN)
  key: string;

  @AnyJson()
  schema: JsonValue;

  @ActorField()
  actor: string;
}

export interface SchemaSetReply {
  key: string;
}

export const ConfigSchemaSet = defineRpc<SchemaSetRequest, SchemaSetReply>('config.schema.set', SchemaSetRequest);
