import {
  DomainError,
  ErrorCode,
  POLICY_ACTION_PATTERN,
  POLICY_RESOURCE_TYPE_PATTERN,
  POLICY_ROLE_PATTERN,
  POLICY_TENANT_PATTERN,
} from '#contracts';
import type { Violation } from '#messaging';
import type { DecisionInput } from '../engine/policy-index.js';

/*
 * The rules of DecisionEvaluateRequest (libs/contracts/src/policy/decision-evaluate), checked by
 * hand for the batch subject: class-validator's nested validation costs more per entry than the
 * decision itself. decision-request.spec.ts holds this to class-validator's verdicts.
 */

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
// class-validator's @IsOptional lets null through as "absent".
const absent = (v: unknown): boolean => v === undefined || v === null;
// validator.js counts a surrogate pair as one character.
const length = (s: string): number => s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && length(v) >= 1 && length(v) <= max;
const matches = (v: unknown, re: RegExp): v is string => typeof v === 'string' && re.test(v);

const REQUEST_KEYS = new Set(['subject', 'tenantId', 'resource', 'action', 'context']);
const SUBJECT_KEYS = new Set(['id', 'roles', 'tenants', 'attributes']);
const RESOURCE_KEYS = new Set(['type', 'id', 'owner', 'attributes']);

function unknownKeys(o: Obj, allowed: ReadonlySet<string>, path: string, out: Violation[]): void {
  for (const k of Object.keys(o)) if (!allowed.has(k)) out.push({ path: `${path}${k}`, message: `property ${k} should not exist` });
}

function stringList(v: unknown, max: number, re: RegExp, path: string, out: Violation[]): void {
  if (!Array.isArray(v)) out.push({ path, message: 'must be an array' });
  else if (v.length > max) out.push({ path, message: `must contain no more than ${max} elements` });
  else if (!v.every((x) => matches(x, re))) out.push({ path, message: `each value must match ${re}` });
}

/** Violations of one decision request, paths prefixed with `path` (e.g. `requests.3.`). */
export function decisionRequestViolations(value: unknown, path = ''): Violation[] {
  const out: Violation[] = [];
  if (!isObject(value)) return [{ path: path.replace(/\.$/, ''), message: 'must be an object' }];
  unknownKeys(value, REQUEST_KEYS, path, out);
  const { subject, tenantId, resource, action, context } = value;
  if (!isObject(subject)) out.push({ path: `${path}subject`, message: 'must be an object' });
  else {
    unknownKeys(subject, SUBJECT_KEYS, `${path}subject.`, out);
    if (!isText(subject['id'], 256)) out.push({ path: `${path}subject.id`, message: 'must be a string of 1-256 characters' });
    stringList(subject['roles'], 64, POLICY_ROLE_PATTERN, `${path}subject.roles`, out);
    stringList(subject['tenants'], 1000, POLICY_TENANT_PATTERN, `${path}subject.tenants`, out);
    if (!absent(subject['attributes']) && !isObject(subject['attributes'])) {
      out.push({ path: `${path}subject.attributes`, message: 'must be an object' });
    }
  }
  if (!matches(tenantId, POLICY_TENANT_PATTERN)) out.push({ path: `${path}tenantId`, message: 'must be a tenant id' });
  if (!isObject(resource)) out.push({ path: `${path}resource`, message: 'must be an object' });
  else {
    unknownKeys(resource, RESOURCE_KEYS, `${path}resource.`, out);
    if (!matches(resource['type'], POLICY_RESOURCE_TYPE_PATTERN))
      out.push({ path: `${path}resource.type`, message: 'must be a resource type' });
    for (const k of ['id', 'owner']) {
      if (!absent(resource[k]) && !isText(resource[k], 256))
        out.push({ path: `${path}resource.${k}`, message: 'must be a string of 1-256 characters' });
    }
    if (!absent(resource['attributes']) && !isObject(resource['attributes'])) {
      out.push({ path: `${path}resource.attributes`, message: 'must be an object' });
    }
  }
  if (!matches(action, POLICY_ACTION_PATTERN)) out.push({ path: `${path}action`, message: 'must be an action name' });
  if (!absent(context) && !isObject(context)) out.push({ path: `${path}context`, message: 'must be an object' });
  return out;
}

/** The batch's entries as decision inputs, or VALIDATION_FAILED naming every bad field of every entry. */
export function parseDecisionBatch(requests: readonly unknown[]): DecisionInput[] {
  const violations = requests.flatMap((r, i) => decisionRequestViolations(r, `requests.${i}.`));
  if (violations.length) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `Invalid payload: ${[...new Set(violations.map((v) => v.path))].slice(0, 20).join(', ')}`,
      {
        violations: violations.slice(0, 100),
      },
    );
  }
  return requests as DecisionInput[];
}
