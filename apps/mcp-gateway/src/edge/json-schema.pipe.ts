import { Injectable, type PipeTransform } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DomainError, ErrorCode } from '#contracts';

// One compiler for the process: compiling is the expensive part, validation of a body is cheap.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });

export interface FieldError {
  path: string;
  message: string;
}

export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
    const extra = e.keyword === 'additionalProperties' ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : '';
    return { path: `${e.instancePath}${missing}${extra}` || '/', message: e.message ?? 'invalid' };
  });
}

/** Validates a request body against a JSON Schema; 400 VALIDATION_FAILED lists every bad field by JSON pointer. */
@Injectable()
export class JsonSchemaPipe implements PipeTransform {
  private readonly validate: ValidateFunction;

  constructor(
    readonly schema: Record<string, unknown>,
    private readonly optional = false,
  ) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): unknown {
    if ((value === undefined || value === null) && this.optional) return value;
    if (value === undefined || value === null) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A JSON body is required', { fields: [{ path: '/', message: 'required' }] });
    }
    if (!this.validate(value)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Request body is invalid', { fields: fieldErrors(this.validate.errors) });
    }
    return value;
  }
}
