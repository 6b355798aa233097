import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonValue } from '#contracts';

export interface SchemaViolation {
  /** JSON pointer into the written value, '' for the root. */
  path: string;
  message: string;
}

/**
 * Validates config values against the JSON Schema registered for their key. Compiled
 * validators are cached by the schema's canonical text, so a hot key costs one compile.
 * `format` is treated as an annotation (no format plugins): a schema that relies on it
 * for safety should use `pattern`.
 */
export class JsonSchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Problems with the schema itself (it must compile); empty when usable. */
  schemaProblems(schema: JsonValue): string[] {
    try {
      this.validatorFor(schema);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  }

  validate(schema: JsonValue, value: JsonValue): SchemaViolation[] {
    const validate = this.validatorFor(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => {
      // `required` and `additionalProperties` report the parent; name the property itself.
      const child = e.params as { missingProperty?: string; additionalProperty?: string };
      const leaf = child.missingProperty ?? child.additionalProperty;
      const path = leaf === undefined ? e.instancePath : `${e.instancePath}/${leaf.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      return { path, message: e.message ?? e.keyword };
    });
  }

  private validatorFor(schema: JsonValue): ValidateFunction {
    const text = JSON.stringify(schema);
    let validate = this.compiled.get(text);
    if (!validate) {
      if (typeof schema !== 'object' && typeof schema !== 'boolean') throw new Error('a JSON Schema is an object or a boolean');
      validate = this.ajv.compile(schema as object | boolean);
      this.compiled.set(text, validate);
    }
    return validate;
  }
}
