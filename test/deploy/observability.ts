// PromQL syntax check with the Prometheus project's own lezer grammar (@prometheus-io/lezer-promql,
// the parser of the Prometheus UI): an expression with an error node does not parse.
import { parser } from '@prometheus-io/lezer-promql';

export function promqlErrors(expr: string): string[] {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) out.push(`syntax error at ${node.from} in: ${expr.trim()}`);
    },
  });
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rule groups, checked field by field
export function ruleGroupViolations(groups: any[]): string[] {
  const out: string[] = [];
  for (const group of groups ?? []) {
    for (const rule of group.rules ?? []) {
      out.push(...promqlErrors(String(rule.expr ?? '')).map((e) => `${rule.alert}: ${e}`));
      if (!['critical', 'warning', 'info'].includes(rule.labels?.severity)) out.push(`${rule.alert}: severity ${rule.labels?.severity}`);
      if (!rule.annotations?.summary) out.push(`${rule.alert}: no summary`);
    }
  }
  return out;
}
