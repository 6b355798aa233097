// Platform rules over a rendered environment that a schema cannot express: references that must
// resolve, autoscaling per seed 002, and the default-deny network model. Each returns the violations.
import { APPS, type K8sObject, kustomize, workloads } from './manifests.js';

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const names = (objects: K8sObject[], kind: string) => new Set(byKind(objects, kind).map((o) => o.metadata.name));

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !Object.keys(selector).length) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** ConfigMaps, Secrets, ServiceAccounts, Services and autoscaler targets that objects refer to must exist. */
export function referenceViolations(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const configMaps = names(objects, 'ConfigMap');
  const secrets = new Set([
    ...names(objects, 'Secret'),
    ...byKind(objects, 'ExternalSecret').map((o) => o.spec?.target?.name ?? o.metadata.name),
  ]);
  const serviceAccounts = names(objects, 'ServiceAccount');
  const deployments = names(objects, 'Deployment');
  for (const { obj, pod } of workloads(objects)) {
    const at = (msg: string) => out.push(`${obj.kind}/${obj.metadata.name}: ${msg}`);
    if (pod.serviceAccountName && !serviceAccounts.has(pod.serviceAccountName))
      at(`service account ${pod.serviceAccountName} is not rendered`);
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) at(`ConfigMap ${from.configMapRef.name} is not rendered`);
        if (from.secretRef && !secrets.has(from.secretRef.name)) at(`Secret ${from.secretRef.name} has no ExternalSecret`);
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const sec = e.valueFrom?.secretKeyRef;
        if (cm && !configMaps.has(cm.name)) at(`ConfigMap ${cm.name} is not rendered`);
        if (sec && !secrets.has(sec.name)) at(`Secret ${sec.name} has no ExternalSecret`);
      }
    }
  }
  const podTemplates = byKind(objects, 'Deployment').map((d) => d.spec?.template?.metadata?.labels as Record<string, string>);
  for (const svc of byKind(objects, 'Service')) {
    if (!podTemplates.some((labels) => selects(svc.spec?.selector, labels)))
      out.push(`Service/${svc.metadata.name}: selects no Deployment's pods`);
  }
  for (const pdb of byKind(objects, 'PodDisruptionBudget')) {
    if (!podTemplates.some((labels) => selects(pdb.spec?.selector?.matchLabels, labels)))
      out.push(`PodDisruptionBudget/${pdb.metadata.name}: selects no pods`);
  }
  for (const d of byKind(objects, 'Deployment')) {
    if (!selects(d.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels))
      out.push(`Deployment/${d.metadata.name}: selector does not match its pod template`);
  }
  for (const target of [...byKind(objects, 'HorizontalPodAutoscaler'), ...byKind(objects, 'ScaledObject')]) {
    const ref = target.spec?.scaleTargetRef;
    if (ref?.kind !== 'Deployment' || !deployments.has(ref.name))
      out.push(`${target.kind}/${target.metadata.name}: scales ${ref?.kind}/${ref?.name}, which is not rendered`);
  }
  for (const ing of byKind(objects, 'Ingress')) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        if (!names(objects, 'Service').has(p.backend?.service?.name))
          out.push(`Ingress/${ing.metadata.name}: backend ${p.backend?.service?.name} is not rendered`);
      }
    }
  }
  return out;
}

/** Seed 002: each app has exactly one autoscaler, CPU 70%, scale-up 2 pods / 3 min, scale-down 1 pod / min. */
export function autoscalingViolations(objects: K8sObject[], replicas: { min: number; max: number }): string[] {
  const out: string[] = [];
  for (const d of byKind(objects, 'Deployment')) {
    const name = d.metadata.name;
    const hpas = byKind(objects, 'HorizontalPodAutoscaler').filter((h) => h.spec?.scaleTargetRef?.name === name);
    const scaled = byKind(objects, 'ScaledObject').filter((s) => s.spec?.scaleTargetRef?.name === name);
    if (hpas.length + scaled.length !== 1) {
      out.push(`Deployment/${name}: has ${hpas.length} HPA(s) and ${scaled.length} ScaledObject(s), needs exactly one autoscaler`);
      continue;
    }
    const hpa = hpas[0];
    const so = scaled[0];
    const min = hpa ? hpa.spec.minReplicas : so!.spec.minReplicaCount;
    const max = hpa ? hpa.spec.maxReplicas : so!.spec.maxReplicaCount;
    if (min !== replicas.min || max !== replicas.max)
      out.push(`Deployment/${name}: autoscales ${min}-${max}, expected ${replicas.min}-${replicas.max}`);
    if (d.spec?.replicas !== replicas.min)
      out.push(`Deployment/${name}: starts with ${d.spec?.replicas} replicas, expected ${replicas.min}`);
    const cpu = hpa
      ? hpa.spec.metrics?.find((m: any) => m.resource?.name === 'cpu')?.resource?.target?.averageUtilization // eslint-disable-line @typescript-eslint/no-explicit-any
      : Number(so!.spec.triggers?.find((t: { type: string }) => t.type === 'cpu')?.metadata?.value);
    if (cpu !== 70) out.push(`Deployment/${name}: CPU target ${cpu}, expected 70`);
    const behavior = hpa ? hpa.spec.behavior : so!.spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
    const up = behavior?.scaleUp?.policies ?? [];
    const down = behavior?.scaleDown?.policies ?? [];
    if (!(up.length === 1 && up[0].type === 'Pods' && up[0].value === 2 && up[0].periodSeconds === 180))
      out.push(`Deployment/${name}: scale-up is not 2 pods per 3 minutes`);
    if (!(down.length === 1 && down[0].type === 'Pods' && down[0].value === 1 && down[0].periodSeconds === 60))
      out.push(`Deployment/${name}: scale-down is not 1 pod per minute`);
    if (!byKind(objects, 'PodDisruptionBudget').some((p) => selects(p.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels))) {
      out.push(`Deployment/${name}: no PodDisruptionBudget`);
    }
  }
  return out;
}

/** Default deny for the namespace, DNS egress, and a policy of its own for every platform app. */
export function networkViolations(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const policies = byKind(objects, 'NetworkPolicy');
  const denyAll = policies.find(
    (p) =>
      !Object.keys(p.spec?.podSelector ?? { x: 1 }).length &&
      ['Ingress', 'Egress'].every((t) => p.spec?.policyTypes?.includes(t)) &&
      !p.spec?.ingress &&
      !p.spec?.egress,
  );
  if (!denyAll) out.push('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');
  const dns = policies.some((p) =>
    (p.spec?.egress ?? []).some((rule: { ports?: { port: number; protocol?: string }[] }) =>
      rule.ports?.some((port) => port.port === 53 && port.protocol === 'UDP'),
    ),
  );
  if (!dns) out.push('no NetworkPolicy allows DNS egress');
  for (const app of APPS) {
    const own = policies.find((p) => p.spec?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === app);
    if (!own) out.push(`${app}: no NetworkPolicy of its own`);
  }
  const gateway = policies.find((p) => p.spec?.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'mcp-gateway');
  const fromIngress = (gateway?.spec?.ingress ?? []).some((rule: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }) =>
    rule.from?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'traefik'),
  );
  if (gateway && !fromIngress) out.push('mcp-gateway: not reachable from the Traefik ingress controller');
  for (const ing of byKind(objects, 'Ingress')) {
    const hosts = (ing.spec?.rules ?? []).map((r: { host?: string }) => r.host);
    const tlsHosts = (ing.spec?.tls ?? []).flatMap((t: { hosts?: string[] }) => t.hosts ?? []);
    if (!hosts.length || hosts.some((h: string | undefined) => !h || !tlsHosts.includes(h)))
      out.push(`Ingress/${ing.metadata.name}: a host is served without TLS`);
  }
  return out;
}

/** Problems of one Application against the projects that should admit it. */
export function applicationViolations(app: K8sObject, projects: K8sObject[]): string[] {
  const out: string[] = [];
  const at = (msg: string) => out.push(`Application/${app.metadata.name}: ${msg}`);
  const project = projects.find((p) => p.metadata.name === app.spec?.project);
  if (!project) return [`Application/${app.metadata.name}: project ${app.spec?.project} does not exist`];
  const source = app.spec.source;
  if (!project.spec.sourceRepos.includes(source?.repoURL))
    at(`source ${source?.repoURL} is not allowed by project ${project.metadata.name}`);
  const dest = app.spec.destination;
  if (
    !project.spec.destinations.some(
      (d: { server: string; namespace: string }) => d.server === dest?.server && d.namespace === dest?.namespace,
    )
  ) {
    at(`destination ${dest?.server} ${dest?.namespace} is not allowed by project ${project.metadata.name}`);
  }
  if (source?.chart) {
    if (!/^\d+\.\d+\.\d+$/.test(source.targetRevision ?? ''))
      at(`chart ${source.chart} is not pinned to an exact version (${source.targetRevision})`);
  } else {
    try {
      if (!kustomize(source.path).length) at(`path ${source.path} renders nothing`);
    } catch (err) {
      at(`path ${source?.path} does not build: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const policy = app.spec.syncPolicy;
  if (!(policy?.automated?.prune === true && policy?.automated?.selfHeal === true)) at('automated sync without prune and self-heal');
  return out;
}
