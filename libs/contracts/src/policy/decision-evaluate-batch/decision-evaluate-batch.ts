import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import type { DecisionEvaluateReply, DecisionEvaluateRequest } from '../decision-evaluate/decision-evaluate.js';

export const MAX_DECISION_BATCH = 1000;

/**
 * policy.decision.evaluate-batch — up to 1000 decisions in one message, answered in the same
 * order. Each entry follows DecisionEvaluateRequest exactly and is decided and logged as a single
 * policy.decision.evaluate would be. The proxy validates the entries itself (class-validator's
 * nested validation costs more per entry than a decision does); one invalid entry fails the whole
 * batch with VALIDATION_FAILED, its violations named `requests.<index>.<field>`.
 */
export class DecisionEvaluateBatchRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISION_BATCH)
  requests!: DecisionEvaluateRequest[];
}

export interface DecisionEvaluateBatchReply {
  decisions: DecisionEvaluateReply[];
}

export const DecisionEvaluateBatch = defineRpc<DecisionEvaluateBatchRequest, DecisionEvaluateBatchReply>(
  'policy.decision.evaluate-batch',
  DecisionEvaluateBatchRequest,
);
