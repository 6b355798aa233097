// Loaded into an app with NODE_OPTIONS=--import=<this file> by heap-after-gc.ts: on SIGUSR2 it runs
// a full garbage collection and appends the memory left after it to HEAP_PROBE_LOG, one JSON line.
import { appendFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const log = process.env['HEAP_PROBE_LOG'];
const session = new Session();
session.connect();
process.on('SIGUSR2', () => {
  session.post('HeapProfiler.collectGarbage', () => {
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
    if (log) appendFileSync(log, `${JSON.stringify({ at: Date.now(), heapUsedMiB: mib(m.heapUsed), rssMiB: mib(m.rss) })}\n`);
  });
});
