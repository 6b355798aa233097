// class-transformer's @Type reads design-time types; the contracts load without Nest in clients and tests.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { DecisionEvaluateRequest, type DecisionEvaluateReply } from '../decision-evaluate/decision-evaluate.js';

export const MAX_DECISION_BATCH = 1000;

/**
 * policy.decision.evaluate-batch — up to 1000 decisions in one message, answered in the same
 * order. Each is decided and logged exactly as a single policy.decision.evaluate; one invalid
 * entry fails the whole batch with VALIDATION_FAILED naming its index.
 */
export class DecisionEvaluateBatchRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISION_BATCH)
  @ValidateNested({ each: true })
  @Type(() => DecisionEvaluateRequest)
  requests!: DecisionEvaluateRequest[];
}

export interface DecisionEvaluateBatchReply {
  decisions: DecisionEvaluateReply[];
}

export const DecisionEvaluateBatch = defineRpc<DecisionEvaluateBatchRequest, DecisionEvaluateBatchReply>(
  'policy.decision.evaluate-batch',
  DecisionEvaluateBatchRequest,
);
