import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { DomainError, ErrorCode, type AppName, type RpcContract } from '#contracts';
import { APP_ENV } from '#env';
import { RpcClient } from '#messaging';
import { BreakerOpen, CircuitBreaker, type BreakerState } from '../resilience/circuit-breaker.js';
import type { GatewayEnv } from '../env.js';

const breakerState = new Gauge({
  name: 'gateway_breaker_state',
  help: 'Circuit breaker state per downstream app (0 closed, 1 half-open, 2 open)',
  labelNames: ['downstream'],
});
const breakerRejections = new Counter({
  name: 'gateway_breaker_rejections_total',
  help: 'Calls answered 503 at once because the downstream breaker was open',
  labelNames: ['downstream'],
});
const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Outages, not answers: only these open a breaker (a 404 or a policy deny is the app working). */
function isOutage(err: unknown): boolean {
  return err instanceof DomainError && (err.code === ErrorCode.SERVICE_UNAVAILABLE || err.code === ErrorCode.UPSTREAM_TIMEOUT);
}

/**
 * Every NATS call the gateway forwards goes through here: one circuit breaker per downstream app and
 * a per-call timeout. An open breaker answers SERVICE_UNAVAILABLE at once, with the seconds until
 * the next probe as Retry-After.
 */
@Injectable()
export class Downstream {
  private readonly breakers = new Map<AppName, CircuitBreaker>();

  constructor(
    private readonly rpc: RpcClient,
    @Inject(APP_ENV) private readonly env: GatewayEnv,
  ) {}

  async call<Req extends object, Res>(app: AppName, contract: RpcContract<Req, Res>, payload: Req, timeoutMs?: number): Promise<Res> {
    try {
      return await this.breaker(app).run(() =>
        this.rpc.request(contract, payload, { timeoutMs: timeoutMs ?? this.env.DOWNSTREAM_TIMEOUT_MS }),
      );
    } catch (err) {
      // The caller learns that it is not there, never which name or id the owning app looked up.
      if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) throw new DomainError(ErrorCode.NOT_FOUND, 'Not found');
      if (err instanceof BreakerOpen) {
        breakerRejections.inc({ downstream: app });
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${app} is unavailable`, {
          downstream: app,
          retryAfterSeconds: Math.max(1, Math.ceil(err.retryInMs / 1000)),
        });
      }
      throw err;
    }
  }

  state(app: AppName): BreakerState {
    return this.breakers.get(app)?.state ?? 'closed';
  }

  private breaker(app: AppName): CircuitBreaker {
    let breaker = this.breakers.get(app);
    if (!breaker) {
      breaker = new CircuitBreaker(
        app,
        { failureThreshold: this.env.BREAKER_FAILURE_THRESHOLD, openMs: this.env.BREAKER_OPEN_MS },
        isOutage,
        Date.now,
        (downstream, state) => breakerState.set({ downstream }, STATE_VALUE[state]),
      );
      this.breakers.set(app, breaker);
    }
    return breaker;
  }
}
