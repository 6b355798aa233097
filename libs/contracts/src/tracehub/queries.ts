// @Type reads design-time metadata: any process importing #contracts needs the Reflect polyfill.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineRpc } from '../rpc.js';
import type { JaegerDependencyLink, JaegerOperation, JaegerTrace, RedSummary } from './jaeger.js';

// Same shape as TENANT_ID_PATTERN in #tenancy (contracts cannot import it); the hub re-parses it.
const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Who the gateway is asking for. With a tenantId the hub answers from that tenant's spans only (the
 * gateway has checked the principal may act for it); without one the caller must hold platform-admin
 * and sees every tenant's spans.
 */
export class TracehubCaller {
  @IsOptional()
  @IsString()
  @Matches(TENANT_ID)
  tenantId?: string;

  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  roles!: string[];
}

abstract class TracehubRequest {
  @ValidateNested()
  @Type(() => TracehubCaller)
  caller!: TracehubCaller;
}

export class TraceGetRequest extends TracehubRequest {
  @IsString()
  @Matches(/^[0-9a-fA-F]{1,32}$/)
  traceId!: string;
}

export class TraceSearchRequest extends TracehubRequest {
  @IsString()
  @MaxLength(256)
  service!: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  operation?: string;

  /** Attribute filters: span or resource attribute equals value (Jaeger's `tags`). */
  @IsOptional()
  @IsObject()
  tags?: Record<string, string>;

  /** Window, microseconds since the epoch (default: the last hour). */
  @IsOptional()
  @IsInt()
  @Min(0)
  start?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  end?: number;

  @IsOptional()
  @Matches(DURATION)
  minDuration?: string;

  @IsOptional()
  @Matches(DURATION)
  maxDuration?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1500)
  limit?: number;
}

export class ServiceListRequest extends TracehubRequest {}

export class OperationListRequest extends TracehubRequest {
  @IsString()
  @MaxLength(256)
  service!: string;

  @IsOptional()
  @IsIn(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'])
  spanKind?: string;
}

export class DependencyListRequest extends TracehubRequest {
  /** End of the window, epoch milliseconds (default now). */
  @IsOptional()
  @IsInt()
  @Min(0)
  endTs?: number;

  /** Window length in milliseconds (default one day). */
  @IsOptional()
  @IsInt()
  @Min(1)
  lookback?: number;
}

export class RedSummaryRequest extends TracehubRequest {
  @IsOptional()
  @IsString()
  @MaxLength(256)
  service?: string;

  @IsOptional()
  @IsBoolean()
  groupByOperation?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  endTs?: number;

  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(7 * 86_400_000)
  lookback?: number;
}

export const TraceGet = defineRpc<TraceGetRequest, JaegerTrace>('tracehub.trace.get', TraceGetRequest);
export const TraceSearch = defineRpc<TraceSearchRequest, JaegerTrace[]>('tracehub.trace.search', TraceSearchRequest);
export const ServiceList = defineRpc<ServiceListRequest, string[]>('tracehub.service.list', ServiceListRequest);
export const OperationList = defineRpc<OperationListRequest, JaegerOperation[]>('tracehub.operation.list', OperationListRequest);
export const DependencyList = defineRpc<DependencyListRequest, JaegerDependencyLink[]>('tracehub.dependency.list', DependencyListRequest);
export const RedSummaryGet = defineRpc<RedSummaryRequest, RedSummary[]>('tracehub.metrics.red', RedSummaryRequest);
