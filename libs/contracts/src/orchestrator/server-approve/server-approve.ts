import { IsInt, IsString, Length, Min } from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { ScopedServerRequest } from '../common.js';
import type { ToolInfo } from '../types.js';

/** Approves a quarantined tool definition version: it becomes the active one, the old one superseded. */
export class ServerApproveRequest extends ScopedServerRequest {
  @IsString()
  @Length(1, 128)
  tool!: string;

  @IsInt()
  @Min(1)
  version!: number;
}

export const ServerApprove = defineRpc<ServerApproveRequest, ToolInfo>('orchestrator.server.approve', ServerApproveRequest);
