import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TcpProxy, TestPlatform, eventually } from '#testing';
import { type Hub, startHub } from './hub.js';

let platform: TestPlatform;
let proxy: TcpProxy;
let hub: Hub;

before(async () => {
  platform = await TestPlatform.create();
  proxy = new TcpProxy('127.0.0.1', 5432);
  const port = await proxy.start();
  const url = new URL(platform.database.url);
  url.port = String(port);
  hub = await startHub(platform, {
    DATABASE_URL: url.toString(),
    TRACEHUB_QUEUE_CAPACITY: '50',
    TRACEHUB_BATCH_SIZE: '20',
    TRACEHUB_RETRY_MAX_MS: '300',
  });
});
after(async () => {
  await proxy?.stop();
  await platform?.stop();
});

function batch(traceId: string, count: number) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `op-${i}`,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000n),
  }));
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage' } }] }, scopeSpans: [{ spans }] }],
  });
}

const post = (body: string) => fetch(`${hub.otlpUrl}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

async function stored(traceId: string): Promise<{ total: number; distinct: number }> {
  const { rows } = await platform.database.query<{ total: string; distinct: string }>(
    `SELECT count(*) AS total, count(DISTINCT span_id) AS distinct FROM tracehub.spans WHERE trace_id = decode($1, 'hex')`,
    [traceId],
  );
  return { total: Number(rows[0]!.total), distinct: Number(rows[0]!.distinct) };
}

test('with Postgres unreachable, accepted spans wait in the queue, new ones get 503, and none is lost', async () => {
  const first = randomBytes(16).toString('hex');
  const second = randomBytes(16).toString('hex');
  await proxy.stop();

  assert.equal((await post(batch(first, 30))).status, 200, 'accepted while the queue has room');
  await eventually(async () => (await fetch(`${hub.adminUrl}/health/ready`)).status === 503, 10_000);

  const refused = await post(batch(second, 30));
  assert.equal(refused.status, 503);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  assert.equal(((await refused.json()) as { code: number }).code, 14);

  await proxy.start();
  await eventually(async () => (await stored(first)).total === 30, 15_000, 100);
  assert.deepEqual(await stored(first), { total: 30, distinct: 30 });
  assert.deepEqual(await stored(second), { total: 0, distinct: 0 }, 'refused spans were not taken');

  assert.equal((await post(batch(second, 30))).status, 200, 'the exporter retry is accepted once the queue drains');
  await eventually(async () => (await stored(second)).total === 30, 10_000, 100);
  await eventually(async () => (await fetch(`${hub.adminUrl}/health/ready`)).status === 200, 10_000);
});
