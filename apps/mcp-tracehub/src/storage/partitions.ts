// Day partitions of tracehub.spans, named spans_YYYYMMDD (UTC). Names and bounds are formatted from
// integer dates here, never from input, which is what makes them safe to place in DDL.

const DAY_MS = 86_400_000;

export interface PartitionPlan {
  /** Days (UTC midnight, ms) that must exist: from the oldest retained day to the last day created ahead. */
  keep: number[];
  /** Existing partition names older than retention. */
  drop: string[];
  /** Span start times accepted: [fromUs, toUs). */
  acceptFromUs: number;
  acceptToUs: number;
}

export function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function partitionName(dayMs: number): string {
  return `spans_${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export function partitionDay(name: string): number | null {
  const match = /^spans_(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return partitionName(ms) === name ? ms : null;
}

/**
 * Retention keeps today and the `retentionDays - 1` days before it; `aheadDays` partitions are created
 * past today so inserts never wait on DDL at midnight and clock-skewed producers still land.
 */
export function planPartitions(nowMs: number, retentionDays: number, aheadDays: number, existing: string[]): PartitionPlan {
  const today = dayStart(nowMs);
  const oldest = today - (retentionDays - 1) * DAY_MS;
  const keep: number[] = [];
  for (let day = oldest; day <= today + aheadDays * DAY_MS; day += DAY_MS) keep.push(day);
  const drop = existing.filter((name) => {
    const day = partitionDay(name);
    return day !== null && day < oldest;
  });
  return { keep, drop, acceptFromUs: oldest * 1000, acceptToUs: (today + (aheadDays + 1) * DAY_MS) * 1000 };
}

export function createPartitionSql(dayMs: number): string {
  const from = new Date(dayMs).toISOString();
  const to = new Date(dayMs + DAY_MS).toISOString();
  return `CREATE TABLE IF NOT EXISTS tracehub.${partitionName(dayMs)} PARTITION OF tracehub.spans FOR VALUES FROM ('${from}') TO ('${to}')`;
}

export function dropPartitionSql(name: string): string {
  if (partitionDay(name) === null) throw new Error(`not a span partition: ${name}`);
  return `DROP TABLE IF EXISTS tracehub.${name}`;
}

export const LIST_PARTITIONS_SQL = `
SELECT c.relname AS name
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace n ON n.oid = p.relnamespace
WHERE n.nspname = 'tracehub' AND p.relname = 'spans'`;
