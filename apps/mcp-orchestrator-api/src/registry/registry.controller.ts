import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  CompletionComplete,
  PromptGet,
  PromptList,
  ResourceList,
  ResourceRead,
  ServerApprove,
  ServerList,
  ServerRefresh,
  ServerRegister,
  ServerRemove,
  ToolCall,
  ToolCancel,
  ToolList,
  type CompletionCompleteRequest,
  type PromptGetRequest,
  type PromptListRequest,
  type ResourceListRequest,
  type ResourceReadRequest,
  type ServerApproveRequest,
  type ServerListRequest,
  type ServerRefreshRequest,
  type ServerRegisterRequest,
  type ServerRemoveRequest,
  type TenantScopedRequest,
  type ToolCallReply,
  type ToolCallRequest,
  type ToolCancelRequest,
  type ToolListRequest,
} from '#contracts';
import { APP_ENV } from '#env';
import { NatsClient } from '#messaging';
import { parseTenantId } from '#tenancy';
import { randomUUID } from 'node:crypto';
import type { OrchestratorApiEnv } from '../env.js';
import { NatsRelay } from '../relay/nats-relay.js';
import { CallCancellation } from './call-cancellation.js';
import { RegistryService, type Actor } from './registry.service.js';

export function actorOf(req: TenantScopedRequest): Actor {
  return { tenantId: parseTenantId(req.tenantId), principalId: req.principalId, roles: req.roles ?? [] };
}

@Controller()
export class RegistryController {
  constructor(
    private readonly registry: RegistryService,
    private readonly cancellation: CallCancellation,
    private readonly nats: NatsClient,
    @Inject(APP_ENV) private readonly env: OrchestratorApiEnv,
  ) {}

  @MessagePattern(ServerRegister.subject)
  register(req: ServerRegisterRequest) {
    const actor = actorOf(req);
    return this.registry.register(this.registry.scopeFor(actor, req.scope, true), {
      name: req.server,
      url: req.url,
      version: req.version,
      quarantineOnChange: req.quarantineOnChange,
      auth: req.auth,
      createdBy: actor.principalId,
    });
  }

  @MessagePattern(ServerList.subject)
  async list(req: ServerListRequest) {
    return { items: await this.registry.listServers(actorOf(req).tenantId, req.scope) };
  }

  @MessagePattern(ServerRemove.subject)
  async remove(req: ServerRemoveRequest) {
    await this.registry.remove(this.registry.scopeFor(actorOf(req), req.scope, true), req.server);
    return { removed: true as const };
  }

  @MessagePattern(ServerRefresh.subject)
  refresh(req: ServerRefreshRequest) {
    return this.registry.refresh(this.registry.scopeFor(actorOf(req), req.scope, true), req.server);
  }

  @MessagePattern(ServerApprove.subject)
  approve(req: ServerApproveRequest) {
    const actor = actorOf(req);
    return this.registry.approve(this.registry.scopeFor(actor, req.scope, true), req.server, req.tool, req.version, actor.principalId);
  }

  @MessagePattern(ToolList.subject)
  async tools(req: ToolListRequest) {
    return { items: await this.registry.listTools(actorOf(req).tenantId, req.includeQuarantined ?? false) };
  }

  @MessagePattern(ToolCall.subject)
  call(req: ToolCallRequest): Promise<ToolCallReply> {
    const { tenantId } = actorOf(req);
    const callId = req.callId ?? randomUUID();
    const timeoutMs = Math.min(req.timeoutMs ?? this.env.TOOL_CALL_TIMEOUT_MS, this.env.TOOL_CALL_TIMEOUT_MS);
    const relay = req.relaySubject ? new NatsRelay(this.nats, req.relaySubject, callId, timeoutMs, req.relaySession ?? true) : undefined;
    return this.cancellation.track(`call:${tenantId}:${callId}`, (signal) =>
      this.registry.callTool(tenantId, { server: req.server, tool: req.tool, arguments: req.arguments ?? {}, timeoutMs, signal, relay }),
    );
  }

  @MessagePattern(ToolCancel.subject)
  cancel(req: ToolCancelRequest) {
    this.cancellation.cancel(`call:${actorOf(req).tenantId}:${req.callId}`);
    return { accepted: true as const };
  }

  @MessagePattern(ResourceList.subject)
  async resources(req: ResourceListRequest) {
    const servers = await this.registry.listServers(actorOf(req).tenantId);
    return {
      resources: servers.flatMap((s) => s.resources.map((item) => ({ server: s.name, scope: s.scope, item }))),
      resourceTemplates: servers.flatMap((s) => s.resourceTemplates.map((item) => ({ server: s.name, scope: s.scope, item }))),
    };
  }

  @MessagePattern(ResourceRead.subject)
  async read(req: ResourceReadRequest) {
    const { tenantId } = actorOf(req);
    const s = await this.registry.resolveServer(tenantId, req.server);
    return this.registry.pool.request(await this.registry.target(s.ref, req.server, s.url, s.auth), (c) =>
      c.readResource({ uri: req.uri }, { timeout: this.env.TOOL_CALL_TIMEOUT_MS }),
    );
  }

  @MessagePattern(PromptList.subject)
  async prompts(req: PromptListRequest) {
    const servers = await this.registry.listServers(actorOf(req).tenantId);
    return { prompts: servers.flatMap((s) => s.prompts.map((item) => ({ server: s.name, scope: s.scope, item }))) };
  }

  @MessagePattern(PromptGet.subject)
  async prompt(req: PromptGetRequest) {
    const { tenantId } = actorOf(req);
    const s = await this.registry.resolveServer(tenantId, req.server);
    return this.registry.pool.request(await this.registry.target(s.ref, req.server, s.url, s.auth), (c) =>
      c.getPrompt({ name: req.name, arguments: req.arguments }, { timeout: this.env.TOOL_CALL_TIMEOUT_MS }),
    );
  }

  @MessagePattern(CompletionComplete.subject)
  async complete(req: CompletionCompleteRequest) {
    const { tenantId } = actorOf(req);
    const s = await this.registry.resolveServer(tenantId, req.server);
    return this.registry.pool.request(await this.registry.target(s.ref, req.server, s.url, s.auth), (c) =>
      c.complete({ ref: req.ref as never, argument: req.argument }, { timeout: this.env.TOOL_CALL_TIMEOUT_MS }),
    );
  }
}
