import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allRpcContracts, APP_NAMES, ErrorCode, StatusGet } from '#contracts';
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
    for (const contract of contracts) {
      const notJson = await nats.requestRaw(contract.subject, '{"unterminated');
      assert.ok('error' in notJson, `${contract.subject}: ${JSON.stringify(notJson)}`);
      assert.equal(notJson.error.code, ErrorCode.MALFORMED_MESSAGE, contract.subject);
      const notObject = await nats.requestRaw(contract.subject, '[1,2]');
      assert.ok('error' in notObject, contract.subject);
      assert.equal(notObject.error.code, ErrorCode.VALIDATION_FAILED, contract.subject);
      const unknownField = await nats.request(contract.subject, { __proto_pollution__: { x: 1 }, surely_not_a_field: true });
      assert.ok('error' in unknownField, contract.subject);
      assert.equal(unknownField.error.code, ErrorCode.VALIDATION_FAILED, contract.subject);
      assert.doesNotMatch(JSON.stringify(unknownField), /\n\s+at /, 'no stack trace on the wire');
    }
    // Every app is still serving after the barrage.
    for (const app of APP_NAMES) assert.equal((await fetch(`${platform.app(app).url}/health/live`)).status, 200);
  });
});
