// In-process decision latency of the indexed engine, and casbin running the model file over the
// same rules for comparison. Usage: node dist/bench/policy/in-process.js [decisions per scenario]
import { PolicyIndex, type DecisionInput } from '../../apps/mcp-policy-proxy/src/engine/policy-index.js';
import { CasbinOracle } from '../../apps/mcp-policy-proxy/src/engine/casbin-oracle.js';
import { PLATFORM_RULES, tenantDefaultRules } from '../../apps/mcp-policy-proxy/src/engine/default-policy.js';
import type { PolicyRule } from '../../apps/mcp-policy-proxy/src/engine/rules.js';

const decisions = Number(process.argv[2] ?? 200_000);
const ROLES = ['viewer', 'editor', 'operator', 'billing', 'auditor'];
const ACTIONS = ['GET', 'POST', 'PUT', 'DELETE', 'tools.call'];
const CONDITIONS = [
  'true',
  'r.obj.owner == r.sub.id',
  'r.ctx.tenantTier == "premium"',
  'r.sub.attributes.level >= 2 && r.act != "DELETE"',
  'startsWith(r.obj.id, "pub-")',
];

// Deterministic so runs are comparable.
let seed = 42;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

function tenantRules(tenant: string, count: number): PolicyRule[] {
  const rules = tenantDefaultRules(tenant);
  for (let i = rules.length; i < count; i++) {
    rules.push({
      id: `${tenant}.r${i}`,
      domain: tenant,
      subject: pick(ROLES),
      resource: `res${rand(20)}`,
      action: pick(ACTIONS),
      condition: pick(CONDITIONS),
      effect: rand(10) === 0 ? 'deny' : 'allow',
    });
  }
  return rules;
}

function request(tenants: number): DecisionInput {
  const t = `t${rand(tenants)}`;
  const member = rand(20) !== 0;
  return {
    subject: {
      id: `u${rand(1000)}`,
      roles: [pick(ROLES), pick(ROLES)],
      tenants: member ? [t] : [`t${rand(tenants)}x`],
      attributes: { level: rand(4) },
    },
    tenantId: t,
    resource: { type: rand(4) === 0 ? 'context' : `res${rand(20)}`, id: rand(2) ? 'pub-1' : 'x', owner: `u${rand(1000)}` },
    action: pick(ACTIONS),
    context: { tenantStatus: rand(50) === 0 ? 'suspended' : 'active', tenantTier: rand(2) ? 'premium' : 'basic' },
  };
}

function percentiles(samples: Float64Array): { p50: number; p99: number; p999: number; mean: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

const fmt = (us: number): string => `${us.toFixed(2)} µs`;

async function scenario(tenants: number, rulesPerTenant: number): Promise<void> {
  const index = new PolicyIndex();
  const all: PolicyRule[] = [...PLATFORM_RULES];
  for (const r of PLATFORM_RULES) index.addRule(r);
  const t0 = performance.now();
  for (let t = 0; t < tenants; t++) {
    for (const r of tenantRules(`t${t}`, rulesPerTenant)) {
      index.addRule(r);
      all.push(r);
    }
  }
  const loadMs = performance.now() - t0;
  const inputs = Array.from({ length: 10_000 }, () => request(tenants));
  for (let i = 0; i < 50_000; i++) index.evaluate(inputs[i % inputs.length]!); // warm-up (JIT)
  const samples = new Float64Array(decisions);
  let allowed = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < decisions; i++) {
    const input = inputs[i % inputs.length]!;
    const s = process.hrtime.bigint();
    if (index.evaluate(input).allow) allowed++;
    samples[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const totalS = Number(process.hrtime.bigint() - start) / 1e9;
  const p = percentiles(samples);
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `indexed  ${tenants} tenants / ${index.ruleCount} rules: p50 ${fmt(p.p50)}  p99 ${fmt(p.p99)}  p99.9 ${fmt(p.p999)}  mean ${fmt(p.mean)}  ` +
      `${Math.round(decisions / totalS)} decisions/s  allowed ${((100 * allowed) / decisions).toFixed(1)}%  load ${loadMs.toFixed(0)} ms  heap ${heapMb.toFixed(0)} MiB`,
  );

  // casbin scans every policy line per request: measured on a few requests only.
  const n = index.ruleCount > 10_000 ? 20 : 500;
  const oracle = await CasbinOracle.create(all, index);
  const cs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const input = inputs[i]!;
    const roles = await oracle.grant(input);
    const s = process.hrtime.bigint();
    oracle.decide(input, roles);
    cs[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const c = percentiles(cs);
  console.log(`casbin   ${tenants} tenants / ${all.length} rules: p50 ${fmt(c.p50)}  p99 ${fmt(c.p99)}  (${n} decisions)`);

  // The other way to index by tenant: one casbin enforcer per tenant holding its rules and the platform rules.
  const sampled = inputs.slice(0, 2000);
  const perTenant = new Map<string, CasbinOracle>();
  for (const input of sampled) {
    if (perTenant.has(input.tenantId)) continue;
    const rules = [...PLATFORM_RULES, ...index.listRules(input.tenantId)];
    perTenant.set(input.tenantId, await CasbinOracle.create(rules, index));
  }
  const ps = new Float64Array(sampled.length);
  for (let i = 0; i < sampled.length; i++) {
    const input = sampled[i]!;
    const oracle = perTenant.get(input.tenantId)!;
    const roles = await oracle.grant(input);
    const s = process.hrtime.bigint();
    oracle.decide(input, roles);
    ps[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  const q = percentiles(ps);
  console.log(
    `casbin enforcer per tenant (${rulesPerTenant} + ${PLATFORM_RULES.length} rules each, ${perTenant.size} tenants): p50 ${fmt(q.p50)}  p99 ${fmt(q.p99)}  (${sampled.length} decisions)`,
  );
}

await scenario(10, 100);
await scenario(10_000, 10);
