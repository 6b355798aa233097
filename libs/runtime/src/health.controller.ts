import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DependencyHealth, ProbeRegistry } from '#observability';
import { Lifecycle } from './lifecycle.js';

/**
 * live: the process answers (restart it if not). ready: every dependency answers (take it out of
 * load balancing if not; 503 names the failed one). startup: boot finished, migrations included.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
    private readonly probes: ProbeRegistry,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    if (this.lifecycle.draining) {
      reply.status(503);
      return { status: 'shutting_down', info: {}, error: {}, details: {} } as unknown as HealthCheckResult;
    }
    return this.run(
      reply,
      this.probes.all().map((probe) => () => this.dependencies.probe(probe)),
    );
  }

  @Get('startup')
  async startup(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | { status: string }> {
    if (!this.lifecycle.started) {
      reply.status(503);
      return { status: 'starting' };
    }
    return { status: 'ok' };
  }

  private async run(reply: FastifyReply, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        reply.status(503);
        return err.getResponse() as HealthCheckResult;
      }
      throw err;
    }
  }
}
