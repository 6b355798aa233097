import { IsString, Matches } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { TenantScopedRequest } from '../common.js';

/** Cancels an in-flight tool call of this tenant by its callId, on whichever replica runs it. */
export class ToolCancelRequest extends TenantScopedRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  callId!: string;
}

export const ToolCancel = defineRpc<ToolCancelRequest, { accepted: true }>('orchestrator.tool.cancel', ToolCancelRequest);
