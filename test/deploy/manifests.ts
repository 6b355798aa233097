// Rendering and checking Kubernetes manifests for the deploy tests: kustomize through the real
// kubectl, schemas from kubernetes-models (ajv validators generated from the Kubernetes OpenAPI spec
// and from the upstream CRDs of Argo CD, KEDA, External Secrets and the Prometheus Operator).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Repository root (this file runs from dist/test/deploy/). */
export const ROOT = resolve(import.meta.dirname, '../../..');

export const APPS = ['mcp-gateway', 'mcp-orchestrator-api', 'mcp-policy-proxy', 'mcp-config', 'mcp-tracehub'] as const;
export const ENVIRONMENTS = { dev: 'mcp-dev', stage: 'mcp-stage', prod: 'mcp-prod' } as const;
export const IMAGE_REPOSITORY = 'ghcr.io/mcp-platform';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are checked field by field below
  [key: string]: unknown;
}

export function parseYamlDocuments(text: string, source: string): unknown[] {
  return parseAllDocuments(text, { merge: true }).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

/** `kubectl kustomize <dir>` (offline), parsed; throws with kustomize's own message when it fails. */
export function kustomize(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', resolve(ROOT, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`kubectl is not available: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr.trim()}`);
  return parseYamlDocuments(result.stdout, dir) as K8sObject[];
}

const CRD_PACKAGES: Record<string, string> = {
  'argoproj.io': '@kubernetes-models/argo-cd',
  'keda.sh': '@kubernetes-models/keda',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** The model module for an apiVersion/kind, or undefined when no schema is known for it. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group && CRD_PACKAGES[group] ? CRD_PACKAGES[group] : 'kubernetes-models';
  const path = pkg === 'kubernetes-models' ? `${pkg}/${group ? `${group}/` : ''}${version}/${kind}` : `${pkg}/${group}/${version}/${kind}`;
  try {
    const mod = (await import(path)) as Record<string, ModelClass>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/** Schema errors of one object (empty when valid); an object without a known schema is an error. */
export async function schemaErrors(obj: K8sObject): Promise<string[]> {
  const where = `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`;
  if (typeof obj?.apiVersion !== 'string' || typeof obj?.kind !== 'string') return [`${where}: apiVersion and kind are required`];
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return [`${where}: no schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [`${where}: ${err instanceof Error ? err.message : String(err)}`];
  }
}

export interface Workload {
  obj: K8sObject;
  pod: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a PodSpec, checked field by field
}

/** The pod spec of every workload kind the platform renders. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((obj) => {
    switch (obj.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
        return [{ obj, pod: obj.spec?.template?.spec ?? {} }];
      case 'CronJob':
        return [{ obj, pod: obj.spec?.jobTemplate?.spec?.template?.spec ?? {} }];
      case 'Pod':
        return [{ obj, pod: obj.spec ?? {} }];
      default:
        return [];
    }
  });
}

const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/**
 * Violations of the Kubernetes "restricted" Pod Security Standard (v1.30), plus this platform's own
 * rule that every container runs with a read-only root filesystem.
 */
export function restrictedViolations({ obj, pod }: Workload): string[] {
  const out: string[] = [];
  const at = (msg: string) => out.push(`${obj.kind}/${obj.metadata.name}: ${msg}`);
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) at('host namespaces are shared');
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.includes(type)) at(`volume ${v.name} has type ${type} (not allowed)`);
  }
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) at('pod runs as uid 0');
  const podSeccomp = podSc.seccompProfile?.type;
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
  if (!containers.length) at('no containers');
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = `container ${c.name}`;
    if (sc.privileged) at(`${name} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) at(`${name} does not set allowPrivilegeEscalation: false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) at(`${name} is not runAsNonRoot`);
    if (sc.runAsUser === 0) at(`${name} runs as uid 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') at(`${name} has no RuntimeDefault/Localhost seccomp profile`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) at(`${name} does not drop ALL capabilities`);
    const add: string[] = sc.capabilities?.add ?? [];
    if (add.some((cap) => cap !== 'NET_BIND_SERVICE')) at(`${name} adds capabilities ${add.join(', ')}`);
    for (const p of c.ports ?? []) if (p.hostPort) at(`${name} uses hostPort ${p.hostPort}`);
    if (sc.readOnlyRootFilesystem !== true) at(`${name} has a writable root filesystem`);
  }
  return out;
}

const HEALTH_PATHS = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;

/** A long-running workload needs all three probes on the health routes and CPU/memory requests and limits. */
export function operabilityViolations({ obj, pod }: Workload): string[] {
  const out: string[] = [];
  const longRunning = obj.kind !== 'Job' && obj.kind !== 'CronJob';
  for (const c of pod.containers ?? []) {
    const at = (msg: string) => out.push(`${obj.kind}/${obj.metadata.name} container ${c.name}: ${msg}`);
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) if (!c.resources?.[kind]?.[resource]) at(`no ${resource} ${kind.slice(0, -1)}`);
    }
    if (!longRunning) continue;
    const portNames = new Set((c.ports ?? []).map((p: { name?: string }) => p.name));
    const portNumbers = new Set((c.ports ?? []).map((p: { containerPort: number }) => p.containerPort));
    for (const [probe, path] of Object.entries(HEALTH_PATHS)) {
      const get = c[probe]?.httpGet;
      if (!get) {
        at(`no ${probe}`);
        continue;
      }
      if (get.path !== path) at(`${probe} checks ${get.path}, not ${path}`);
      if (!(portNames.has(get.port) || portNumbers.has(get.port)))
        at(`${probe} targets port ${get.port}, which the container does not declare`);
    }
  }
  return out;
}

/** "repository:tag" split, with the tag undefined when absent (and digests kept whole). */
export function splitImage(image: string): { repository: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest!.lastIndexOf('/');
  const colon = withoutDigest!.lastIndexOf(':');
  if (colon > slash) return { repository: withoutDigest!.slice(0, colon), tag: withoutDigest!.slice(colon + 1), digest };
  return { repository: withoutDigest!, digest };
}

/** Every problem with the platform images an object list refers to (unknown app, unpinned tag). */
export function imageViolations(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const { obj, pod } of workloads(objects)) {
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const { repository, tag, digest } = splitImage(c.image ?? '');
      const app = repository.startsWith(`${IMAGE_REPOSITORY}/`) ? repository.slice(IMAGE_REPOSITORY.length + 1) : undefined;
      if (!app || !(APPS as readonly string[]).includes(app))
        out.push(`${obj.kind}/${obj.metadata.name}: image ${c.image} is not one of the five apps`);
      if (!digest && (!tag || tag === 'latest')) out.push(`${obj.kind}/${obj.metadata.name}: image ${c.image} has no pinned tag`);
    }
  }
  return out;
}
