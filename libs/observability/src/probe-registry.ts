import { Injectable } from '@nestjs/common';
import type { DependencyProbe } from './health.js';

/** The dependencies /health/ready checks; modules add the ones they open (database, Redis, ...). */
@Injectable()
export class ProbeRegistry {
  private readonly probes: DependencyProbe[] = [];

  add(probe: DependencyProbe): void {
    if (!this.probes.some((p) => p.name === probe.name)) this.probes.push(probe);
  }

  all(): readonly DependencyProbe[] {
    return this.probes;
  }
}
