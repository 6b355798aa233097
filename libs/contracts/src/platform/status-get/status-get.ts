import { IsBoolean, IsOptional } from 'class-validator';
import { defineRpc } from '../../rpc.js';

/** Asks one instance of an app who it is; answered by whichever replica of the queue group gets it. */
export class StatusGetRequest {
  /** Include the instance's in-flight request count. */
  @IsOptional()
  @IsBoolean()
  verbose?: boolean;
}

export interface StatusGetReply {
  app: string;
  instanceId: string;
  version: string;
  uptimeSeconds: number;
  inFlight?: number;
}

export const APP_NAMES = ['mcp-gateway', 'mcp-orchestrator-api', 'mcp-policy-proxy', 'mcp-config', 'mcp-tracehub'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The subject prefix each app owns (`<service>.<noun>.<verb>`). */
export const SERVICE_OF: Record<AppName, string> = {
  'mcp-gateway': 'gateway',
  'mcp-orchestrator-api': 'orchestrator',
  'mcp-policy-proxy': 'policy',
  'mcp-config': 'config',
  'mcp-tracehub': 'tracehub',
};

export const StatusGet: Record<AppName, ReturnType<typeof defineStatus>> = Object.fromEntries(
  APP_NAMES.map((app) => [app, defineStatus(SERVICE_OF[app])]),
) as Record<AppName, ReturnType<typeof defineStatus>>;

function defineStatus(service: string) {
  return defineRpc<StatusGetRequest, StatusGetReply>(`${service}.status.get`, StatusGetRequest);
}
