import type { ClusterState } from './cluster.js';
import type { Decision, JobSpec, Preemption } from './types.js';

/** What the simulator and the Nest service drive: the fair scheduler and every baseline. */
export interface SchedulingPolicy {
  readonly name: string;
  readonly cluster: ClusterState;
  readonly pendingCount: number;
  submit(job: JobSpec, now: number): void;
  /** Admit and bind what can run now; preemptions come before the binding they make room for. */
  schedule(now: number): Decision[];
  complete(jobId: string, now: number): void;
  /** Withdraw a job that is still queued; false when it is not queued. */
  cancel(jobId: string): boolean;
  /** Replica lifecycle: hibernation, pre-warm. */
  tick(now: number): void;
  reclaimSpot(nodeName: string, now: number, unavailableUntil: number): Preemption[];
}
