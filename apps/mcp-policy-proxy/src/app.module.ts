import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '#database';
import { DecisionAudit } from './audit/decision-audit.js';
import { DecisionLogStore } from './audit/decision-log-store.js';
import { policyDataSourceSpec } from './database/data-source.js';
import { OpaController } from './opa/opa.controller.js';
import { Decisions } from './policy/decisions.js';
import { LivePolicy } from './policy/live-policy.js';
import { PolicyAdmin } from './policy/policy-admin.js';
import { PolicyController } from './policy/policy.controller.js';
import { TenantFacts } from './policy/tenant-facts.js';
import { PolicyStore } from './store/policy-store.js';

@Module({
  imports: [DatabaseModule.forApp(policyDataSourceSpec)],
  controllers: [PolicyController, OpaController],
  providers: [
    { provide: PolicyStore, inject: [DataSource], useFactory: (ds: DataSource) => new PolicyStore(ds) },
    { provide: DecisionLogStore, inject: [DataSource], useFactory: (ds: DataSource) => new DecisionLogStore(ds) },
    LivePolicy,
    DecisionAudit,
    TenantFacts,
    Decisions,
    PolicyAdmin,
  ],
})
export class AppModule {}
