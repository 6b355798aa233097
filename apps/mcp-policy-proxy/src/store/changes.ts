import { bindingKey, type PolicyRule, type RoleBinding } from '../engine/rules.js';
import type { PolicyIndex } from '../engine/policy-index.js';

/** One incremental edit: what the change log stores and what events.policy.changed carries. */
export type PolicyChange =
  | { readonly kind: 'rule'; readonly op: 'add' | 'remove'; readonly rule: PolicyRule }
  | { readonly kind: 'binding'; readonly op: 'add' | 'remove'; readonly binding: RoleBinding };

export interface PolicySnapshot {
  readonly rules: ReadonlyMap<string, PolicyRule>;
  readonly bindings: ReadonlyMap<string, RoleBinding>;
}

export const emptySnapshot = (): { rules: Map<string, PolicyRule>; bindings: Map<string, RoleBinding> } => ({
  rules: new Map(),
  bindings: new Map(),
});

/** Replays changes onto a snapshot (used to rebuild any past version from the change log). */
export function replay(changes: Iterable<PolicyChange>): PolicySnapshot {
  const s = emptySnapshot();
  for (const c of changes) {
    if (c.kind === 'rule') {
      if (c.op === 'add') s.rules.set(c.rule.id, c.rule);
      else s.rules.delete(c.rule.id);
    } else if (c.op === 'add') s.bindings.set(bindingKey(c.binding), c.binding);
    else s.bindings.delete(bindingKey(c.binding));
  }
  return s;
}

const sameRule = (a: PolicyRule, b: PolicyRule): boolean =>
  a.domain === b.domain &&
  a.subject === b.subject &&
  a.resource === b.resource &&
  a.action === b.action &&
  a.condition === b.condition &&
  a.effect === b.effect &&
  a.reason === b.reason &&
  a.description === b.description;

/**
 * The changes that turn `current` into `target` within one domain, ordered so every intermediate
 * state is loadable: bindings out, rules out, rules in, bindings in.
 */
export function diffDomain(current: PolicySnapshot, target: PolicySnapshot, domain: string): PolicyChange[] {
  const inDomain = <T extends { domain: string }>(m: ReadonlyMap<string, T>): Map<string, T> =>
    new Map([...m].filter(([, v]) => v.domain === domain));
  const [curRules, tgtRules] = [inDomain(current.rules), inDomain(target.rules)];
  const [curBind, tgtBind] = [inDomain(current.bindings), inDomain(target.bindings)];
  const out: PolicyChange[] = [];
  for (const [k, b] of curBind) if (!tgtBind.has(k)) out.push({ kind: 'binding', op: 'remove', binding: b });
  for (const [id, r] of curRules) {
    const t = tgtRules.get(id);
    if (!t || !sameRule(r, t)) out.push({ kind: 'rule', op: 'remove', rule: r });
  }
  for (const [id, r] of tgtRules) {
    const c = curRules.get(id);
    if (!c || !sameRule(c, r)) out.push({ kind: 'rule', op: 'add', rule: r });
  }
  for (const [k, b] of tgtBind) if (!curBind.has(k)) out.push({ kind: 'binding', op: 'add', binding: b });
  return out;
}

export function applyToIndex(index: PolicyIndex, changes: Iterable<PolicyChange>): void {
  for (const c of changes) {
    if (c.kind === 'rule') {
      if (c.op === 'add') {
        index.removeRule(c.rule.id);
        index.addRule(c.rule);
      } else index.removeRule(c.rule.id);
    } else if (c.op === 'add') index.addBinding(c.binding);
    else index.removeBinding(c.binding);
  }
}

/** What a receiver does with a change event given the version it holds. */
export function classifyEvent(localVersion: number, eventVersion: number): 'stale' | 'apply' | 'gap' {
  if (eventVersion <= localVersion) return 'stale';
  return eventVersion === localVersion + 1 ? 'apply' : 'gap';
}
