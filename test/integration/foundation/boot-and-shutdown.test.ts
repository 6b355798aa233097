import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runAppToExit, TestPlatform } from '#testing';

describe('boot configuration and shutdown', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await TestPlatform.create();
  });
  after(async () => platform?.stop());

  const badValues: [string, string, RegExp][] = [
    ['HTTP_PORT', 'eighty', /^Invalid environment: HTTP_PORT must be an integer between 0 and 65535, got "eighty"\n$/],
    ['NATS_URL', 'http://x', /^Invalid environment: NATS_URL must use nats or tls, got http\n$/],
    ['LOG_LEVEL', 'loud', /^Invalid environment: LOG_LEVEL must be one of debug, info, warn, error, got "loud"\n$/],
    ['DATABASE_URL', 'mysql://root:hunter2@db/x', /^Invalid environment: DATABASE_URL must use postgres or postgresql, got mysql\n$/],
  ];
  for (const [variable, value, expected] of badValues) {
    it(`refuses to start with a one-line reason when ${variable}=${value}`, async () => {
      const result = await runAppToExit('mcp-config', platform.env({ [variable]: value }));
      assert.equal(result.code, 78);
      assert.match(result.stderr, expected);
      assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
    });
  }

  it('on SIGTERM finishes, drains NATS and exits 0', async () => {
    const app = await platform.start('mcp-policy-proxy');
    const code = await app.stop();
    assert.equal(code, 0, `exit ${code} (signal ${app.child.signalCode}); output:\n${app.output().slice(-3000)}`);
    assert.match(app.output(), /"msg":"shutting down","reason":"SIGTERM"/);
    assert.match(app.output(), /"msg":"stopped"/);
  });
});
