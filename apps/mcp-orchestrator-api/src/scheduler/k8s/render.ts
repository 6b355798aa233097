// Kubernetes binding for a placement: the workload that runs an inference replica on the
// chosen pool, with the pool's nodeSelector, tolerations for its taints and the resource
// requests. Pure functions; applying the objects is the caller's business.

import type { ModelServing, PoolSpec, Resources } from '../core/types.js';

export interface RenderOptions {
  namespace: string;
  /** Container image of the inference server (vLLM, TGI, llama.cpp server, …). */
  image: string;
  /** Pin the workload to the node the scheduler chose, not only to its pool. */
  node?: string;
  port?: number;
}

type Labels = Record<string, string>;

/** DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export function dnsLabel(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  if (!out) throw new Error(`cannot derive a DNS label from "${s}"`);
  return out;
}

/** Label values allow [A-Za-z0-9._-], start and end alphanumeric, ≤ 63 characters. */
function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
    .slice(0, 63)
    .replace(/[^A-Za-z0-9]+$/g, '');
}

/** Quantities the way kubectl writes them: millicores for fractional CPU, Mi for memory. */
export function quantities(r: Resources): Record<string, string> {
  const out: Record<string, string> = {
    cpu: Number.isInteger(r.cpu) ? String(r.cpu) : `${Math.round(r.cpu * 1000)}m`,
    memory: `${Math.ceil(r.memoryMiB)}Mi`,
  };
  if (r.gpu > 0) out['nvidia.com/gpu'] = String(Math.ceil(r.gpu));
  return out;
}

function podSpec(pool: PoolSpec, serving: ModelServing, resources: Resources, opts: RenderOptions): Record<string, unknown> {
  const nodeSelector: Labels = { 'mcp.platform/pool': pool.name, ...pool.labels };
  if (opts.node) nodeSelector['kubernetes.io/hostname'] = opts.node;
  const requests = quantities(resources);
  // Extended resources (GPUs) must have limits equal to requests; memory is capped the same.
  const limits: Record<string, string> = { memory: requests.memory as string };
  if (requests['nvidia.com/gpu']) limits['nvidia.com/gpu'] = requests['nvidia.com/gpu'];
  const port = opts.port ?? 8000;
  return {
    nodeSelector,
    tolerations: pool.taints.map((t) =>
      t.value === undefined
        ? { key: t.key, operator: 'Exists', effect: t.effect }
        : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect },
    ),
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'inference',
        image: opts.image,
        args: ['--model', serving.model, '--port', String(port)],
        ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
        resources: { requests, limits },
        readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
}

function commonLabels(pool: PoolSpec, serving: ModelServing): Labels {
  return {
    'app.kubernetes.io/name': 'inference-replica',
    'app.kubernetes.io/part-of': 'mcp-orchestrator-platform',
    'mcp.platform/pool': labelValue(pool.name),
    'mcp.platform/model': labelValue(serving.model),
  };
}

/** The Deployment that keeps one replica of `model` warm on `pool`. */
export function renderReplicaDeployment(pool: PoolSpec, model: string, resources: Resources, opts: RenderOptions): Record<string, unknown> {
  const serving = pool.models.find((m) => m.model === model);
  if (!serving) throw new Error(`pool ${pool.name} does not serve ${model}`);
  const labels = commonLabels(pool, serving);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: dnsLabel(`inf-${pool.name}-${model}`), namespace: opts.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec(pool, serving, resources, opts) },
    },
  };
}

/** A Pod for one job's replica, pinned to the node the scheduler bound it to. */
export function renderJobPod(
  pool: PoolSpec,
  model: string,
  jobId: string,
  resources: Resources,
  opts: RenderOptions,
): Record<string, unknown> {
  const serving = pool.models.find((m) => m.model === model);
  if (!serving) throw new Error(`pool ${pool.name} does not serve ${model}`);
  const labels = { ...commonLabels(pool, serving), 'mcp.platform/job': labelValue(jobId) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: dnsLabel(`inf-job-${jobId}`), namespace: opts.namespace, labels },
    spec: { ...podSpec(pool, serving, resources, opts), restartPolicy: 'Never' },
  };
}
