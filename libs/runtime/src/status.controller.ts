import { randomUUID } from 'node:crypto';
import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { StatusGet, type AppName, type StatusGetReply, type StatusGetRequest } from '#contracts';

const instanceId = randomUUID();
const bootedAt = Date.now();

/** `<service>.status.get`: which instance answered, its version and uptime (diagnostics, smoke tests). */
export function statusControllerFor(app: AppName, version: string, inFlight: () => number): Type<unknown> {
  @Controller()
  class StatusController {
    @MessagePattern(StatusGet[app].subject)
    get(request: StatusGetRequest): StatusGetReply {
      return {
        app,
        instanceId,
        version,
        uptimeSeconds: Math.round((Date.now() - bootedAt) / 1000),
        ...(request.verbose ? { inFlight: inFlight() } : {}),
      };
    }
  }
  return StatusController;
}
