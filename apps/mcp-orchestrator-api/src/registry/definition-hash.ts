import { createHash } from 'node:crypto';

// The parts of an MCP tool definition that change what a caller (or a model) is told the tool does.
// Anything else (e.g. _meta, icons) may vary between listings without being a new definition.
export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

// Key order must not matter: upstreams serialize schemas however their library likes.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function pinnedDefinition(tool: ToolDefinition): ToolDefinition {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return { name, title, description, inputSchema, outputSchema, annotations };
}

export function definitionHash(tool: ToolDefinition): string {
  return createHash('sha256')
    .update(canonicalJson(pinnedDefinition(tool)))
    .digest('hex');
}
