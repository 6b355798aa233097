// In-process flag evaluations per second through #config-client's evaluator, for the three shapes
// that matter: a killed flag (shortest path), a 30% rollout (one SHA-256 per call) and a flag with
// 20 targeting rules before the rollout. Usage: node dist/bench/config/flag-evals.js [evaluations]
import type { FlagDefinition } from '#contracts';
import { evaluateFlag } from '#config-client';

const evaluations = Number(process.argv[2] ?? 1_000_000);
const base: FlagDefinition = {
  key: 'bench-flag',
  kind: 'boolean',
  variations: [false, true],
  offVariation: 0,
  enabled: true,
  killed: false,
  rules: [],
  fallthrough: {
    rollout: [
      { variation: 1, weight: 30 },
      { variation: 0, weight: 70 },
    ],
  },
  version: 1,
  updatedAt: '',
  updatedBy: 'bench',
};
const flags: Record<string, FlagDefinition> = {
  killed: { ...base, killed: true },
  'rollout 30%': base,
  '20 rules + rollout': {
    ...base,
    rules: Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`,
      clauses: [
        { attribute: 'tenantId', op: 'in' as const, values: [`other-${i}`, `x-${i}`] },
        { attribute: 'plan', op: 'in' as const, values: ['enterprise'] },
      ],
      serve: { variation: 1 },
    })),
  },
};
const users = Array.from({ length: 10_000 }, (_, i) => ({
  tenantId: `tenant-${i % 50}`,
  userId: `user-${i}`,
  attributes: { plan: 'pro' },
}));

for (const [name, flag] of Object.entries(flags)) {
  for (let i = 0; i < 50_000; i++) evaluateFlag(flag, users[i % users.length]!); // warm-up
  let on = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < evaluations; i++) if (evaluateFlag(flag, users[i % users.length]!).value === true) on++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${name.padEnd(20)} ${Math.round(evaluations / seconds).toLocaleString('en-US')} evals/s  ` +
      `(${((seconds / evaluations) * 1e6).toFixed(2)} µs each, ${((on / evaluations) * 100).toFixed(1)}% on)`,
  );
}
