import { Counter, Gauge, register } from 'prom-client';

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const decisionsTotal = singleton(
  'policy_decisions_total',
  () =>
    new Counter({
      name: 'policy_decisions_total',
      help: 'Policy decisions by outcome and reason',
      labelNames: ['allow', 'reason'] as const,
    }),
);
export const policyVersionGauge = singleton(
  'policy_version',
  () => new Gauge({ name: 'policy_version', help: 'Policy version held in memory by this instance' }),
);
export const policyRulesGauge = singleton(
  'policy_rules',
  () => new Gauge({ name: 'policy_rules', help: 'Rules held in memory by this instance' }),
);
export const policyReloadsTotal = singleton(
  'policy_reloads_total',
  () =>
    new Counter({
      name: 'policy_reloads_total',
      help: 'Full policy reloads by cause (boot, gap, resync, error)',
      labelNames: ['cause'] as const,
    }),
);
export const decisionLogPending = singleton(
  'policy_decision_log_pending',
  () => new Gauge({ name: 'policy_decision_log_pending', help: 'Decisions waiting to be written to the decision log' }),
);
export const decisionLogDropped = singleton(
  'policy_decision_log_dropped_total',
  () => new Counter({ name: 'policy_decision_log_dropped_total', help: 'Decisions dropped from the log because the buffer was full' }),
);
export const decisionLogWritten = singleton(
  'policy_decision_log_written_total',
  () => new Counter({ name: 'policy_decision_log_written_total', help: 'Decisions written to the decision log' }),
);
