import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { INFERENCE_JOB_PROPERTIES } from '../edge/inference-job.schema.js';

/**
 * The platform's own MCP tools (served on /mcp beside the upstream tools). Their names never contain
 * `__`, which every upstream tool's qualified name does, so the two cannot collide.
 */
export const PLATFORM_TOOLS = {
  submit_inference_job: {
    name: 'submit_inference_job',
    title: 'Submit an inference job',
    description: 'Places a chat-completion job on a node pool and, by default, waits for its result.',
    inputSchema: {
      type: 'object',
      required: ['model', 'messages'],
      additionalProperties: false,
      properties: { ...INFERENCE_JOB_PROPERTIES, wait: { type: 'boolean', default: true } },
    },
    annotations: { readOnlyHint: false, openWorldHint: false },
  },
  get_job: {
    name: 'get_job',
    title: 'Get an inference job',
    description: 'Status, placement and output of an inference job of this tenant.',
    inputSchema: { type: 'object', required: ['jobId'], additionalProperties: false, properties: { jobId: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  run_workflow: {
    name: 'run_workflow',
    title: 'Run a workflow',
    description: 'Starts a durable run of a workflow; follow it with get_run.',
    inputSchema: {
      type: 'object',
      required: ['workflow'],
      additionalProperties: false,
      properties: {
        workflow: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,39}$' },
        version: { type: 'integer', minimum: 1 },
        input: { type: 'object' },
      },
    },
    annotations: { readOnlyHint: false },
  },
  get_run: {
    name: 'get_run',
    title: 'Get a workflow run',
    description: 'A run of this tenant with its steps.',
    inputSchema: { type: 'object', required: ['runId'], additionalProperties: false, properties: { runId: { type: 'string' } } },
    annotations: { readOnlyHint: true },
  },
  list_tools: {
    name: 'list_tools',
    title: 'List registered tools',
    description: 'Every upstream tool registered for this tenant, with its server, version and status.',
    inputSchema: { type: 'object', additionalProperties: false, properties: { includeQuarantined: { type: 'boolean' } } },
    annotations: { readOnlyHint: true },
  },
} satisfies Record<string, Tool>;

export type PlatformToolName = keyof typeof PLATFORM_TOOLS;

export function isPlatformTool(name: string): name is PlatformToolName {
  return Object.hasOwn(PLATFORM_TOOLS, name);
}

/** Tenant features a platform tool needs, beyond the policy decision. */
export const PLATFORM_TOOL_FEATURE: Partial<Record<PlatformToolName, string>> = {
  submit_inference_job: 'ml_inference',
};

/** `<server>__<tool>`, the orchestrator's qualified name; the first `__` separates (server names have none). */
export function splitQualified(name: string): { server: string; name: string } | undefined {
  const i = name.indexOf('__');
  if (i <= 0 || i + 2 >= name.length) return undefined;
  return { server: name.slice(0, i), name: name.slice(i + 2) };
}
