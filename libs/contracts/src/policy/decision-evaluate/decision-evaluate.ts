// class-transformer's @Type reads design-time types; the contracts load without Nest in clients and tests.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';

/** Tenant id shape (the tenancy lib's TENANT_ID_PATTERN; contracts cannot import it). */
export const POLICY_TENANT_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;
/** A rule/binding domain: a tenant id, or `*` for every tenant. */
export const POLICY_DOMAIN_PATTERN = /^(\*|[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9]))$/;
export const POLICY_ROLE_PATTERN = /^[a-z][a-z0-9_.:-]{0,62}$/;
export const POLICY_ACTION_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,62}$/;
export const POLICY_RESOURCE_TYPE_PATTERN = /^[a-z][a-zA-Z0-9_.:-]{0,62}$/;

/** Who is asking: the authenticated principal as the gateway resolved it. */
export class DecisionSubject {
  /** Principal id (JWT `sub` or API key id). */
  @IsString()
  @Length(1, 256)
  id!: string;

  /** Roles from the credential. Tenant roles count only in `tenants`; `platform-…` roles count everywhere. */
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(POLICY_ROLE_PATTERN, { each: true })
  roles!: string[];

  /** Tenants the principal belongs to. Asking about any other tenant is denied (`tenant_not_member`) unless a binding or platform role says otherwise. */
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(POLICY_TENANT_PATTERN, { each: true })
  tenants!: string[];

  /** ABAC attributes of the subject (`r.sub.attributes.*` in conditions). */
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/** What is acted on. */
export class DecisionResource {
  /** Resource type: `context`, `tool`, `workflow`, `job`, … (`r.obj.type`). */
  @Matches(POLICY_RESOURCE_TYPE_PATTERN)
  type!: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  id?: string;

  /** Owner principal id, for owner conditions (`r.obj.owner == r.sub.id`). */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  owner?: string;

  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

/**
 * policy.decision.evaluate — may `subject` do `action` on `resource` in tenant `tenantId`?
 *
 * Example: `{ subject: { id: "u1", roles: ["admin"], tenants: ["acme"] }, tenantId: "acme",
 * resource: { type: "context", id: "ctx-1" }, action: "GET", context: { tenantStatus: "active" } }`
 * → `{ allow: true, reason: "allowed", matchedRule: "acme.admin-all", decisionId: "…", policyVersion: 7 }`.
 *
 * `context` carries request facts the proxy does not own, notably `tenantStatus` ("active" |
 * "suspended": a suspended tenant is denied unless the caller holds platform-break-glass) and
 * `tenantTier`; its keys are readable in conditions as `r.ctx.*`.
 */
export class DecisionEvaluateRequest {
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionSubject)
  subject!: DecisionSubject;

  @Matches(POLICY_TENANT_PATTERN)
  tenantId!: string;

  @IsObject()
  @ValidateNested()
  @Type(() => DecisionResource)
  resource!: DecisionResource;

  /** HTTP method (`GET`) or verb (`tools.call`). */
  @Matches(POLICY_ACTION_PATTERN)
  action!: string;

  @IsOptional()
  @IsObject()
  context?: Record<string, unknown>;
}

/**
 * `reason` codes: `allowed` (or the deciding allow rule's own reason, e.g. `break_glass`),
 * `explicit_deny` (or the deny rule's reason, e.g. `tenant_suspended`), `no_matching_rule`,
 * `tenant_not_member`.
 */
export interface DecisionEvaluateReply {
  allow: boolean;
  reason: string;
  /** Id of the rule that decided; absent for `no_matching_rule` and `tenant_not_member`. */
  matchedRule?: string;
  /** Also the key of this decision in the decision log. */
  decisionId: string;
  /** Policy version the decision was made at; a decision cache entry is stale once events.policy.changed carries a higher one. */
  policyVersion: number;
}

export const DecisionEvaluate = defineRpc<DecisionEvaluateRequest, DecisionEvaluateReply>(
  'policy.decision.evaluate',
  DecisionEvaluateRequest,
);
