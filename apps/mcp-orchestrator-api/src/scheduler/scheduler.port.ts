// The contract between the orchestrator's job path and the inference scheduler.
// Agreed with the jobs engineer (issue 6 / issue 8): change it only together.

export interface PlacementRequest {
  jobId: string;
  tenantId: string;
  tier: 'premium' | 'standard' | 'free';
  model: string;
  priority: number;
  promptTokens: number;
  maxOutputTokens: number;
  resources: { cpu: number; memoryMiB: number; gpu: number };
  spotTolerant: boolean;
}

export interface Placement {
  jobId: string;
  pool: string;
  node: string;
  backendUrl: string;
  warm: boolean;
  predictedWaitMs: number;
}

export abstract class InferenceScheduler {
  abstract place(req: PlacementRequest, signal?: AbortSignal): Promise<Placement>;
  abstract release(jobId: string): void;
  abstract onPreempted(listener: (jobId: string) => void): void;
}
