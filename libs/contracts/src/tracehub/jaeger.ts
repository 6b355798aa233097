// Reply shapes of the tracehub queries: the JSON the Jaeger query API returns in `data`, which is what
// the Jaeger UI and Grafana's Jaeger data source read.

export interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerLog {
  timestamp: number;
  fields: JaegerKeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
  flags: number;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerOperation {
  name: string;
  spanKind: string;
}

export interface JaegerDependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/** RED figures of one service (and operation) over a window. */
export interface RedSummary {
  service: string;
  operation: string | null;
  /** Calls per second over the window. */
  rate: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}
