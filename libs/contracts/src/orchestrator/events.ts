import { IsIn, IsOptional, IsString } from 'class-validator';
import { defineEvent } from '../rpc.js';

/** events.orchestrator.run.changed: a run changed status (running, succeeded, failed, cancelled). */
export class RunChangedEvent {
  @IsString() runId!: string;
  @IsString() workflow!: string;
  @IsIn(['running', 'succeeded', 'failed', 'cancelled']) status!: string;
  @IsOptional() @IsString() errorCode?: string;
}
export const RunChanged = defineEvent('events.orchestrator.run.changed', RunChangedEvent);

/** events.orchestrator.step.changed: a step changed status (queued, running, succeeded, failed, ...). */
export class StepChangedEvent {
  @IsString() runId!: string;
  @IsString() stepId!: string;
  @IsString() status!: string;
  attempt!: number;
}
export const StepChanged = defineEvent('events.orchestrator.step.changed', StepChangedEvent);

/** events.orchestrator.job.changed: an inference job changed status. */
export class JobChangedEvent {
  @IsString() jobId!: string;
  @IsString() status!: string;
  @IsOptional() @IsString() pool?: string;
}
export const JobChanged = defineEvent('events.orchestrator.job.changed', JobChangedEvent);

/** events.orchestrator.tool.changed: the tools a tenant sees changed (gateway re-lists, sends list_changed). */
export class ToolChangedEvent {
  @IsString() server!: string;
  @IsIn(['global', 'tenant']) scope!: string;
  @IsString({ each: true }) quarantined!: string[];
}
export const ToolChanged = defineEvent('events.orchestrator.tool.changed', ToolChangedEvent);
