import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import {
  DependencyList,
  type DependencyListRequest,
  type JaegerDependencyLink,
  type JaegerOperation,
  type JaegerTrace,
  OperationList,
  type OperationListRequest,
  RedSummaryGet,
  type RedSummary,
  type RedSummaryRequest,
  ServiceList,
  type ServiceListRequest,
  TraceGet,
  type TraceGetRequest,
  TraceSearch,
  type TraceSearchRequest,
} from '#contracts';
import { TraceQueryService, scopeOfCaller } from './trace-query.service.js';
import type { RawParams } from './search-params.js';

/** The tenants' way to their traces: the gateway calls these with the principal it authenticated. */
@Controller()
export class TraceRpcController {
  constructor(@Inject(TraceQueryService) private readonly traces: TraceQueryService) {}

  @MessagePattern(TraceGet.subject)
  get(request: TraceGetRequest): Promise<JaegerTrace> {
    return this.traces.trace(scopeOfCaller(request.caller), request.traceId);
  }

  @MessagePattern(TraceSearch.subject)
  search(request: TraceSearchRequest): Promise<JaegerTrace[]> {
    const params: RawParams = {
      service: request.service,
      operation: request.operation,
      tags: request.tags ? JSON.stringify(request.tags) : undefined,
      start: request.start?.toString(),
      end: request.end?.toString(),
      minDuration: request.minDuration,
      maxDuration: request.maxDuration,
      limit: request.limit?.toString(),
    };
    return this.traces.search(scopeOfCaller(request.caller), params);
  }

  @MessagePattern(ServiceList.subject)
  services(request: ServiceListRequest): Promise<string[]> {
    return this.traces.services(scopeOfCaller(request.caller));
  }

  @MessagePattern(OperationList.subject)
  operations(request: OperationListRequest): Promise<JaegerOperation[]> {
    return this.traces.operations(scopeOfCaller(request.caller), request.service, request.spanKind);
  }

  @MessagePattern(DependencyList.subject)
  dependencies(request: DependencyListRequest): Promise<JaegerDependencyLink[]> {
    return this.traces.dependencies(scopeOfCaller(request.caller), {
      endTs: request.endTs?.toString(),
      lookback: request.lookback?.toString(),
    });
  }

  @MessagePattern(RedSummaryGet.subject)
  red(request: RedSummaryRequest): Promise<RedSummary[]> {
    return this.traces.redSummary(
      scopeOfCaller(request.caller),
      request.service ?? null,
      request.groupByOperation ?? false,
      request.endTs ?? Date.now(),
      request.lookback ?? 3_600_000,
    );
  }
}
