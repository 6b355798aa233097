import { parse } from 'yaml';
import type { TenantLimits, TenantTier } from '#contracts';

/** One tenant as declared in a routing.yaml (seed 004 §5.4), before onboarding. */
export interface TenantDeclaration {
  id: string;
  name: string;
  /** Explicit schema from the file; when absent onboarding derives `tenant_<id>`. */
  schema?: string;
  features: string[];
  limits: TenantLimits;
  tier: TenantTier;
}

export class RoutingFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const TIERS: readonly TenantTier[] = ['free', 'standard', 'premium', 'enterprise'];
const DEFAULT_LIMITS: TenantLimits = { requests_per_minute: 600, concurrent_contexts: 20 };

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function positiveInt(value: unknown, path: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new RoutingFileError(path, 'must be a positive integer');
  return value as number;
}

/**
 * Reads either the bare routing.yaml (`tenants: {...}`) or the whole ConfigMap that
 * carries it under `data["routing.yaml"]`, as the seed shows it. Tenant ids and schema
 * names are checked by the caller with #tenancy, which owns those rules.
 */
export function parseRoutingYaml(text: string): TenantDeclaration[] {
  let doc: unknown = parse(text);
  if (isDoc(doc) && isDoc(doc['data']) && typeof doc['data']['routing.yaml'] === 'string') {
    doc = parse(doc['data']['routing.yaml']);
  }
  if (!isDoc(doc) || !isDoc(doc['tenants'])) throw new RoutingFileError('/tenants', 'missing or not a mapping');
  return Object.entries(doc['tenants']).map(([id, raw]) => {
    const path = `/tenants/${id}`;
    if (!isDoc(raw)) throw new RoutingFileError(path, 'not a mapping');
    const name = raw['name'] ?? id;
    if (typeof name !== 'string' || !name.trim()) throw new RoutingFileError(`${path}/name`, 'must be a non-empty string');
    const schema = raw['schema'];
    if (schema !== undefined && typeof schema !== 'string') throw new RoutingFileError(`${path}/schema`, 'must be a string');
    const features = raw['features'] ?? [];
    if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
      throw new RoutingFileError(`${path}/features`, 'must be a list of strings');
    }
    const limits = raw['limits'] ?? {};
    if (!isDoc(limits)) throw new RoutingFileError(`${path}/limits`, 'not a mapping');
    const tier = raw['tier'] ?? 'standard';
    if (!TIERS.includes(tier as TenantTier)) throw new RoutingFileError(`${path}/tier`, `must be one of ${TIERS.join(', ')}`);
    const declaration: TenantDeclaration = {
      id,
      name,
      features: [...new Set(features as string[])],
      limits: {
        requests_per_minute: positiveInt(
          limits['requests_per_minute'] ?? DEFAULT_LIMITS.requests_per_minute,
          `${path}/limits/requests_per_minute`,
        ),
        concurrent_contexts: positiveInt(
          limits['concurrent_contexts'] ?? DEFAULT_LIMITS.concurrent_contexts,
          `${path}/limits/concurrent_contexts`,
        ),
      },
      tier: tier as TenantTier,
    };
    if (schema !== undefined) declaration.schema = schema;
    return declaration;
  });
}
