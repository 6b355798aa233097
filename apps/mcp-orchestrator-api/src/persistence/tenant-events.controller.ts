import { Controller, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { ConfigTenantChanged, type CloudEvent, type TenantChangedData } from '#contracts';
import { isTenantId } from '#tenancy';
import { OrchestratorDb } from './orchestrator-db.js';

/** Creates the orchestrator's tables for a tenant as soon as mcp-config onboards it (otherwise on first use). */
@Controller()
export class TenantEventsController {
  private readonly log = new Logger('tenants');

  constructor(private readonly db: OrchestratorDb) {}

  @EventPattern<string>(ConfigTenantChanged.subject)
  async onTenantChanged(event: CloudEvent<TenantChangedData>): Promise<void> {
    const id = event.data.tenant?.id;
    if (event.data.operation !== 'onboarded' || !isTenantId(id)) return;
    await this.db.ensureTenant(id);
    this.log.log({ msg: 'tenant schema ready', tenantId: id });
  }
}
