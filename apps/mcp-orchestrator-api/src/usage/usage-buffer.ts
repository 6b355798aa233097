import type { UsageSample } from './usage.repository.js';

/** One (tenant, UTC day, kind, subject) counter row's pending increments. */
export interface UsageDelta {
  tenantId: string;
  day: string;
  kind: UsageSample['kind'];
  subject: string;
  calls: number;
  errors: number;
  totalLatencyMs: number;
  maxLatencyMs: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Usage increments aggregated in memory until the next flush: many calls to the same tool on the
 * same day become one row, so a flush is one upsert per tenant whatever the call rate. Bounded by
 * distinct rows, not by calls; `add` refuses a new row once `maxRows` are pending.
 */
export class UsageBuffer {
  private rows = new Map<string, UsageDelta>();

  constructor(private readonly maxRows: number) {}

  get size(): number {
    return this.rows.size;
  }

  /** False when the sample needs a new row and the buffer is full (the caller decides what to do). */
  add(tenantId: string, s: UsageSample, at = new Date()): boolean {
    const day = at.toISOString().slice(0, 10);
    const key = `${tenantId}\u0000${day}\u0000${s.kind}\u0000${s.subject}`;
    const latency = Math.max(0, Math.round(s.latencyMs));
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.maxRows) return false;
      row = {
        tenantId,
        day,
        kind: s.kind,
        subject: s.subject,
        calls: 0,
        errors: 0,
        totalLatencyMs: 0,
        maxLatencyMs: 0,
        promptTokens: 0,
        completionTokens: 0,
      };
      this.rows.set(key, row);
    }
    row.calls += 1;
    row.errors += s.error ? 1 : 0;
    row.totalLatencyMs += latency;
    row.maxLatencyMs = Math.max(row.maxLatencyMs, latency);
    row.promptTokens += s.promptTokens ?? 0;
    row.completionTokens += s.completionTokens ?? 0;
    return true;
  }

  /** Takes every pending row, grouped by tenant; the buffer starts empty again. */
  take(): Map<string, UsageDelta[]> {
    const taken = this.rows;
    this.rows = new Map();
    const byTenant = new Map<string, UsageDelta[]>();
    for (const row of taken.values()) {
      let list = byTenant.get(row.tenantId);
      if (!list) byTenant.set(row.tenantId, (list = []));
      list.push(row);
    }
    return byTenant;
  }

  /** Puts rows whose write failed back, merged with what arrived meanwhile, so a retry loses nothing. */
  restore(rows: UsageDelta[]): void {
    for (const r of rows) {
      const key = `${r.tenantId}\u0000${r.day}\u0000${r.kind}\u0000${r.subject}`;
      const row = this.rows.get(key);
      if (!row) {
        this.rows.set(key, { ...r });
        continue;
      }
      row.calls += r.calls;
      row.errors += r.errors;
      row.totalLatencyMs += r.totalLatencyMs;
      row.maxLatencyMs = Math.max(row.maxLatencyMs, r.maxLatencyMs);
      row.promptTokens += r.promptTokens;
      row.completionTokens += r.completionTokens;
    }
  }
}
