// Reader for the Azure LLM inference traces (Splitwise, ISCA 2024; CC-BY):
// TIMESTAMP,ContextTokens,GeneratedTokens with timestamps like 2023-11-16 18:17:03.9799600.

export interface TraceRequest {
  /** Milliseconds since the trace's first request. */
  atMs: number;
  contextTokens: number;
  generatedTokens: number;
}

export function parseTrace(csv: string): TraceRequest[] {
  const lines = csv.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase();
  if (header !== 'timestamp,contexttokens,generatedtokens') {
    throw new Error(`unexpected trace header "${lines[0] ?? ''}"`);
  }
  const out: TraceRequest[] = [];
  let first: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const [ts, ctx, gen] = line.split(',');
    const at = parseTimestamp(ts ?? '');
    const contextTokens = Number(ctx);
    const generatedTokens = Number(gen);
    if (!Number.isFinite(at) || !Number.isInteger(contextTokens) || !Number.isInteger(generatedTokens)) {
      throw new Error(`bad trace line ${i + 1}: "${line}"`);
    }
    first ??= at;
    out.push({ atMs: at - first, contextTokens, generatedTokens });
  }
  out.sort((a, b) => a.atMs - b.atMs);
  return out;
}

/** The traces carry 7 fractional digits, more than Date parses: keep milliseconds exactly. */
function parseTimestamp(ts: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(ts.trim());
  if (!m) return NaN;
  const frac = Number(`0.${m[3] ?? '0'}`) * 1000;
  return Date.parse(`${m[1]}T${m[2]}Z`) + frac;
}
