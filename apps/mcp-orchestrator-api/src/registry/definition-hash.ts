import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';

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

export function pinnedDefinition(tool: ToolDefinition): ToolDefinition {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return { name, title, description, inputSchema, outputSchema, annotations };
}

export function definitionHash(tool: ToolDefinition): string {
  return createHash('sha256')
    .update(canonicalJson(pinnedDefinition(tool)))
    .digest('hex');
}
