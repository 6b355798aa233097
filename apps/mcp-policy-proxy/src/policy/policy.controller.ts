import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuditVerify,
  BindingAdd,
  BindingList,
  BindingRemove,
  DecisionEvaluate,
  DecisionEvaluateBatch,
  PolicyChanged,
  RuleAdd,
  RuleList,
  RuleRemove,
  TenantBootstrap,
  VersionGet,
  VersionRollback,
  type AuditVerifyReply,
  type AuditVerifyRequest,
  type BindingAddReply,
  type BindingAddRequest,
  type BindingListReply,
  type BindingListRequest,
  type BindingRemoveReply,
  type BindingRemoveRequest,
  type CloudEvent,
  type DecisionEvaluateBatchReply,
  type DecisionEvaluateBatchRequest,
  type DecisionEvaluateReply,
  type DecisionEvaluateRequest,
  type PolicyChangedEvent,
  type RuleAddReply,
  type RuleAddRequest,
  type RuleListReply,
  type RuleListRequest,
  type RuleRemoveReply,
  type RuleRemoveRequest,
  type TenantBootstrapReply,
  type TenantBootstrapRequest,
  type VersionGetReply,
  type VersionGetRequest,
  type VersionRollbackReply,
  type VersionRollbackRequest,
} from '#contracts';
import { NatsRpcContext } from '#messaging';
import { DecisionAudit } from '../audit/decision-audit.js';
import type { PolicyChange } from '../store/changes.js';
import { parseDecisionBatch } from './decision-request.js';
import { Decisions } from './decisions.js';
import { LivePolicy } from './live-policy.js';
import { PolicyAdmin } from './policy-admin.js';
import { traceIdOf } from './trace-id.js';

const traceparentOf = (ctx: NatsRpcContext): string | undefined => {
  const headers = ctx.getHeaders();
  return headers?.has('traceparent') ? headers.get('traceparent') : undefined;
};

/** The policy.* subjects (libs/contracts/src/policy) and the change events of other instances. */
@Controller()
export class PolicyController {
  constructor(
    private readonly decisions: Decisions,
    private readonly admin: PolicyAdmin,
    private readonly live: LivePolicy,
    private readonly audit: DecisionAudit,
  ) {}

  @MessagePattern(DecisionEvaluate.subject)
  evaluate(@Payload() request: DecisionEvaluateRequest, @Ctx() ctx: NatsRpcContext): DecisionEvaluateReply {
    return this.decisions.decide(request, traceIdOf(traceparentOf(ctx)));
  }

  @MessagePattern(DecisionEvaluateBatch.subject)
  evaluateBatch(@Payload() request: DecisionEvaluateBatchRequest, @Ctx() ctx: NatsRpcContext): DecisionEvaluateBatchReply {
    const inputs = parseDecisionBatch(request.requests);
    const traceId = traceIdOf(traceparentOf(ctx));
    return { decisions: inputs.map((r) => this.decisions.decide(r, traceId)) };
  }

  @MessagePattern(RuleList.subject)
  listRules(@Payload() request: RuleListRequest): RuleListReply {
    return this.admin.listRules(request.domain);
  }

  @MessagePattern(RuleAdd.subject)
  addRule(@Payload() request: RuleAddRequest): Promise<RuleAddReply> {
    return this.admin.addRule(request.actor, request.rule);
  }

  @MessagePattern(RuleRemove.subject)
  removeRule(@Payload() request: RuleRemoveRequest): Promise<RuleRemoveReply> {
    return this.admin.removeRule(request.actor, request.domain, request.id);
  }

  @MessagePattern(BindingList.subject)
  listBindings(@Payload() request: BindingListRequest): BindingListReply {
    return this.admin.listBindings(request.domain, request.subjectId);
  }

  @MessagePattern(BindingAdd.subject)
  addBinding(@Payload() request: BindingAddRequest): Promise<BindingAddReply> {
    return this.admin.addBinding(request.actor, request.binding);
  }

  @MessagePattern(BindingRemove.subject)
  removeBinding(@Payload() request: BindingRemoveRequest): Promise<BindingRemoveReply> {
    return this.admin.removeBinding(request.actor, request.binding);
  }

  @MessagePattern(VersionGet.subject)
  getVersion(@Payload() request: VersionGetRequest): Promise<VersionGetReply> {
    return this.admin.getVersion(request.domain, request.version);
  }

  @MessagePattern(VersionRollback.subject)
  rollback(@Payload() request: VersionRollbackRequest): Promise<VersionRollbackReply> {
    return this.admin.rollback(request.actor, request.domain, request.toVersion);
  }

  @MessagePattern(TenantBootstrap.subject)
  bootstrapTenant(@Payload() request: TenantBootstrapRequest): Promise<TenantBootstrapReply> {
    return this.admin.bootstrapTenant(request.actor ?? 'service:mcp-config', request.tenantId);
  }

  @MessagePattern(AuditVerify.subject)
  verifyAudit(@Payload() request: AuditVerifyRequest): Promise<AuditVerifyReply> {
    return this.audit.verify(request.pageSize);
  }

  @EventPattern<string>(PolicyChanged.subject)
  async onPolicyChanged(@Payload() event: CloudEvent<PolicyChangedEvent>): Promise<void> {
    await this.live.advance(event.data.version, event.data.changes as PolicyChange[]);
  }
}
