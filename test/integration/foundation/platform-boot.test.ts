import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allRpcContracts, APP_NAMES, ErrorCode, StatusGet, type RpcReply } from '#contracts';
import { NatsTestClient, TestPlatform } from '#testing';

describe('all five apps on the real infrastructure', () => {
  let platform: TestPlatform;
  let nats: NatsTestClient;

  before(async () => {
    platform = await TestPlatform.create();
    await platform.startAll([...APP_NAMES]);
    nats = await NatsTestClient.connect(platform.namespace.subjectPrefix);
  });
  after(async () => {
    await nats?.close();
    await platform?.stop();
  });

  for (const app of APP_NAMES) {
    it(`${app} is live, ready (checking its dependencies) and started`, async () => {
      const base = platform.app(app).url;
      assert.equal((await fetch(`${base}/health/live`)).status, 200);
      const ready = await fetch(`${base}/health/ready`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { info: Record<string, { status: string }> };
      assert.equal(body.info.nats?.status, 'up');
      if (app === 'mcp-gateway') assert.equal(body.info.redis?.status, 'up');
      else assert.equal(body.info.postgres?.status, 'up');
      assert.equal((await fetch(`${base}/health/startup`)).status, 200);
    });

    it(`${app} answers its status subject in its queue group and exports metrics`, async () => {
      const reply = await nats.request(StatusGet[app].subject, { verbose: true });
      assert.ok('data' in reply, JSON.stringify(reply));
      assert.equal((reply.data as { app: string }).app, app);
      const metrics = await (await fetch(`${platform.app(app).url}/metrics`)).text();
      assert.match(metrics, /process_cpu_user_seconds_total/);
      assert.match(metrics, /http_request_duration_seconds_bucket\{[^}]*route="\/health\/ready",method="GET",status="200"/);
      assert.match(
        metrics,
        new RegExp(`nats_handler_duration_seconds_count\\{subject="${StatusGet[app].subject.replace(/\./g, '\\.')}",outcome="ok"\\} 1`),
      );
    });
  }

  it('answers unknown routes with the one error shape and the request id', async () => {
    const res = await fetch(`${platform.app('mcp-config').url}/no/such/route`, { headers: { 'x-request-id': 'req-123' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-request-id'), 'req-123');
    assert.deepEqual(await res.json(), { error: { code: 'NOT_FOUND', message: 'Cannot GET /no/such/route' }, requestId: 'req-123' });
  });

  it('gives a typed error, never a crash or a hang, for a malformed payload on every subject', async () => {
    const contracts = allRpcContracts();
    assert.ok(contracts.length >= APP_NAMES.length);
    const problems: string[] = [];
    const expectError = async (subject: string, label: string, send: () => Promise<RpcReply<unknown>>, code: ErrorCode) => {
      try {
        const reply = await send();
        if (!('error' in reply)) problems.push(`${subject} (${label}): answered ${JSON.stringify(reply).slice(0, 120)}`);
        else if (reply.error.code !== code) problems.push(`${subject} (${label}): ${reply.error.code} instead of ${code}`);
        else if (/\n\s+at /.test(JSON.stringify(reply))) problems.push(`${subject} (${label}): stack trace on the wire`);
      } catch (err) {
        problems.push(`${subject} (${label}): ${err instanceof Error ? `${err.name} ${err.message}` : String(err)}`);
      }
    };
    for (const { subject } of contracts) {
      await expectError(subject, 'not JSON', () => nats.requestRaw(subject, '{"unterminated'), ErrorCode.MALFORMED_MESSAGE);
      await expectError(subject, 'not an object', () => nats.requestRaw(subject, '[1,2]'), ErrorCode.VALIDATION_FAILED);
      await expectError(
        subject,
        'unknown fields',
        () => nats.request(subject, { __proto_pollution__: { x: 1 }, surely_not_a_field: true }),
        ErrorCode.VALIDATION_FAILED,
      );
    }
    assert.deepEqual(problems, [], `subjects without a typed error reply:\n${problems.join('\n')}`);
    // Every app is still serving after the barrage.
    for (const app of APP_NAMES) assert.equal((await fetch(`${platform.app(app).url}/health/live`)).status, 200);
  });
});
