import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError, ErrorCode } from '#contracts';

type Constructor<T> = new (...args: never[]) => T;
type ClassOf<T> = new (...args: unknown[]) => T;

export interface Violation {
  path: string;
  message: string;
}

/**
 * Turns an untrusted plain value into an instance of the contract's class, or throws
 * VALIDATION_FAILED listing every violation with its path. Unknown properties are rejected so a
 * misspelt field is an error rather than silently ignored.
 */
export async function validatePayload<T extends object>(cls: Constructor<T>, value: unknown): Promise<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Payload must be a JSON object', {
      violations: [{ path: '', message: 'must be an object' }],
    });
  }
  const instance = plainToInstance(cls as unknown as ClassOf<T>, value, { enableImplicitConversion: false });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length) {
    const violations = flatten(errors, '');
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `Invalid payload: ${violations.map((v) => v.path || '(root)').join(', ')}`, {
      violations,
    });
  }
  return instance;
}

function flatten(errors: ValidationError[], parent: string): Violation[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
