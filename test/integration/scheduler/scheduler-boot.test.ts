import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, runAppToExit, startApp, TestPlatform, type AppProcess } from '#testing';

// The scheduler inside the real orchestrator process: it reads SCHEDULER_POOLS_FILE at boot,
// pre-warms what the file asks for and reports its pools on /metrics; a bad file stops the
// app with one line.

const pools = `
name: it-pools
config: { idleTtlMs: 60000 }
pools:
  - name: it-cpu
    kind: compute
    costPerNodeHour: 1
    nodeCount: 3
    nodeAllocatable: { cpu: 8, memoryMiB: 16384, gpu: 0 }
    models:
      - { model: it-small, prefillTokensPerSec: 1000, decodeTokensPerSec: 50, coldStartMs: 1000, resumeMs: 100, backendUrl: "http://127.0.0.1:8090/v1", minWarmReplicas: 2 }
  - name: it-gpu
    kind: gpu
    costPerNodeHour: 10
    taints: [{ key: nvidia.com/gpu, value: present, effect: NoSchedule }]
    nodeCount: 2
    nodeAllocatable: { cpu: 32, memoryMiB: 65536, gpu: 4 }
    models:
      - { model: it-big, prefillTokensPerSec: 3000, decodeTokensPerSec: 30, coldStartMs: 5000, resumeMs: 500, backendUrl: "http://127.0.0.1:8090/v1" }
tenants: []
`;

function metricValue(text: string, name: string, pool: string): number | undefined {
  const m = new RegExp(`^${name}\\{pool="${pool}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

describe('scheduler in the orchestrator', () => {
  let platform: TestPlatform;
  let dir: string;
  let app: AppProcess | undefined;
  before(async () => {
    platform = await TestPlatform.create();
    dir = await mkdtemp(join(tmpdir(), 'scheduler-it-'));
  });
  after(async () => {
    await app?.kill();
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the pools file, pre-warms its minimum and exposes pool state on /metrics', async () => {
    const file = join(dir, 'pools.yaml');
    await writeFile(file, pools);
    // Booted directly for a longer readiness timeout: the shared test machine can be slow.
    app = await startApp('mcp-orchestrator-api', platform.env({ SCHEDULER_POOLS_FILE: file, SCHEDULER_TICK_MS: '100' }), {
      timeoutMs: 90_000,
    });
    const url = app.url;
    const text = await eventually(async () => {
      const res = await fetch(`${url}/metrics`);
      const body = await res.text();
      return res.ok && /mcp_scheduler_pool_nodes_on\{pool="it-gpu"\}/.test(body) ? body : undefined;
    }, 10_000);
    assert.equal(metricValue(text, 'mcp_scheduler_pool_nodes_on', 'it-cpu'), 2, 'two replicas pre-warmed');
    assert.equal(metricValue(text, 'mcp_scheduler_pool_nodes_on', 'it-gpu'), 0, 'nothing asked the GPU pool to start');
    assert.equal(metricValue(text, 'mcp_scheduler_pool_utilization', 'it-cpu'), 0);
    assert.match(text, /^mcp_scheduler_pending_jobs 0$/m);
    assert.match(app.output(), /scheduler ready: 2 pools from scenario it-pools/);
    const ready = await fetch(`${url}/health/ready`);
    assert.equal(ready.status, 200);
  });

  it('refuses to start on a pools file that is missing or invalid, naming the problem', async () => {
    const missing = await runAppToExit('mcp-orchestrator-api', platform.env({ SCHEDULER_POOLS_FILE: join(dir, 'nope.yaml') }), 60_000);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr + missing.stdout, /SCHEDULER_POOLS_FILE .*nope\.yaml cannot be read/);

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, pools.replace('kind: gpu', 'kind: quantum'));
    const invalid = await runAppToExit('mcp-orchestrator-api', platform.env({ SCHEDULER_POOLS_FILE: bad }), 60_000);
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr + invalid.stdout, /pools\[1\] \(it-gpu\): kind must be one of standard\|compute\|memory\|gpu/);
  });
});
