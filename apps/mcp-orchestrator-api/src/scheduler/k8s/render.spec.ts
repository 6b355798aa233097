import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Pod } from 'kubernetes-models/v1/Pod';
import type { PoolSpec } from '../core/types.js';
import { dnsLabel, quantities, renderJobPod, renderReplicaDeployment } from './render.js';

// Rendered objects are validated against the Kubernetes OpenAPI schema (kubernetes-models
// ships it as ajv-compiled validators, one per API type).

const gpuSpot: PoolSpec = {
  name: 'GPU_A100 spot',
  kind: 'gpu',
  spot: true,
  costPerNodeHour: 12,
  labels: { 'mcp.platform/pool': 'gpu-a100-spot', 'nvidia.com/gpu.product': 'A100-SXM4-80GB' },
  taints: [
    { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
    { key: 'mcp.platform/spot', effect: 'NoSchedule' },
  ],
  nodes: [{ name: 'gpu-0', allocatable: { cpu: 96, memoryMiB: 1179648, gpu: 8 } }],
  models: [
    {
      model: 'meta-llama/Llama-3.1-70B',
      prefillTokensPerSec: 3000,
      decodeTokensPerSec: 30,
      coldStartMs: 1,
      resumeMs: 1,
      backendUrl: 'http://x/v1',
    },
  ],
};
const opts = { namespace: 'inference', image: 'vllm/vllm-openai:v0.6.3' };

interface Container {
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  ports: { containerPort: unknown }[];
}
interface RenderedPodSpec {
  nodeSelector: Record<string, string>;
  tolerations: { effect: string }[];
  containers: Container[];
}

describe('Kubernetes binding renderer', () => {
  it('renders a Deployment that the Kubernetes schema accepts, with the pool placement', () => {
    const obj = renderReplicaDeployment(gpuSpot, 'meta-llama/Llama-3.1-70B', { cpu: 4.5, memoryMiB: 32768, gpu: 1 }, opts);
    new Deployment(obj as never).validate();
    const spec = (obj as { spec: { template: { spec: RenderedPodSpec } } }).spec.template.spec;
    assert.equal(spec.nodeSelector['nvidia.com/gpu.product'], 'A100-SXM4-80GB');
    assert.deepEqual(spec.tolerations, [
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'mcp.platform/spot', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    assert.deepEqual(spec.containers[0]?.resources, {
      requests: { cpu: '4500m', memory: '32768Mi', 'nvidia.com/gpu': '1' },
      limits: { memory: '32768Mi', 'nvidia.com/gpu': '1' },
    });
    assert.equal((obj as { metadata: { name: string } }).metadata.name, 'inf-gpu-a100-spot-meta-llama-llama-3-1-70b');
  });

  it('renders a job Pod pinned to the chosen node that the schema accepts', () => {
    const obj = renderJobPod(
      gpuSpot,
      'meta-llama/Llama-3.1-70B',
      'Job_42',
      { cpu: 2, memoryMiB: 8192, gpu: 0 },
      { ...opts, node: 'gpu-0' },
    );
    new Pod(obj as never).validate();
    const spec = (obj as { spec: RenderedPodSpec }).spec;
    assert.equal(spec.nodeSelector['kubernetes.io/hostname'], 'gpu-0');
    assert.equal(spec.containers[0]?.resources.requests['nvidia.com/gpu'], undefined);
  });

  it('the schema check does catch a malformed object', () => {
    const obj = renderReplicaDeployment(gpuSpot, 'meta-llama/Llama-3.1-70B', { cpu: 1, memoryMiB: 1, gpu: 0 }, opts);
    const spec = (obj as { spec: { template: { spec: RenderedPodSpec } } }).spec.template.spec;
    (spec.tolerations[0] as { effect: string }).effect = 'Sometimes';
    (spec.containers[0]?.ports[0] as { containerPort: unknown }).containerPort = 'http';
    assert.throws(() => new Deployment(obj as never).validate(), /tolerations\/0\/effect|containerPort/);
  });

  it('derives DNS-1123 names and kubectl quantities', () => {
    assert.equal(dnsLabel('--A_b.C--'), 'a-b-c');
    assert.throws(() => dnsLabel('___'));
    assert.deepEqual(quantities({ cpu: 0.25, memoryMiB: 100.5, gpu: 0 }), { cpu: '250m', memory: '101Mi' });
  });
});
