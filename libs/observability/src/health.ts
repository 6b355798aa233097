import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** A dependency the app cannot serve without; /health/ready is the conjunction of them all. */
export interface DependencyProbe {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) otherwise. */
  check(): Promise<void>;
}

const PROBE_TIMEOUT_MS = 1_500;

@Injectable()
export class DependencyHealth {
  constructor(private readonly indicators: HealthIndicatorService) {}

  async probe(dependency: DependencyProbe): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(dependency.name);
    const started = performance.now();
    try {
      await withTimeout(dependency.check(), PROBE_TIMEOUT_MS);
      return indicator.up({ latencyMs: Math.round((performance.now() - started) * 10) / 10 });
    } catch (err) {
      return indicator.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
