// class-transformer's @Type reads design metadata while the class is being defined.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineRpc } from '../../rpc.js';
import { IdempotencyKeyField, TenantScopedRequest } from '../common.js';
import { RELAY_SUBJECT_PATTERN } from '../relay.js';
import type { JobInfo } from '../types.js';

export class ChatMessageDto {
  @IsIn(['system', 'user', 'assistant'])
  role!: 'system' | 'user' | 'assistant';

  @IsString()
  @Length(0, 200_000)
  content!: string;
}

export class ResourceRequestDto {
  @IsNumber()
  @Min(0)
  @Max(1024)
  cpu!: number;

  @IsInt()
  @Min(0)
  @Max(4_194_304)
  memoryMiB!: number;

  @IsInt()
  @Min(0)
  @Max(64)
  gpu!: number;
}

/**
 * An inference job: placed by the scheduler, run on the placed pool's OpenAI-compatible backend.
 * With `wait` the reply comes when the job has finished (or `waitTimeoutMs` passed: then it is the
 * job still running, to be polled with job.get); otherwise at once with status "queued".
 */
export class JobSubmitRequest extends TenantScopedRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,128}$/)
  model!: string;

  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  messages!: ChatMessageDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32_768)
  maxOutputTokens?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @IsOptional()
  @IsIn(['premium', 'standard', 'free'])
  tier?: 'premium' | 'standard' | 'free';

  @IsOptional()
  @ValidateNested()
  @Type(() => ResourceRequestDto)
  resources?: ResourceRequestDto;

  @IsOptional()
  @IsBoolean()
  spotTolerant?: boolean;

  /** Stream from the backend; deltas are relayed to `relaySubject` when given. */
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @IsOptional()
  @IsBoolean()
  wait?: boolean;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(600_000)
  waitTimeoutMs?: number;

  @IsOptional()
  @IsString()
  @Matches(RELAY_SUBJECT_PATTERN)
  relaySubject?: string;

  @IdempotencyKeyField()
  idempotencyKey?: string;
}

export const JobSubmit = defineRpc<JobSubmitRequest, JobInfo>('orchestrator.job.submit', JobSubmitRequest);
