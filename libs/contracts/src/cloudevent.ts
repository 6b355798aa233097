/** CloudEvents 1.0 structured JSON envelope (seed 004 §3.1). */
export interface CloudEvent<Data> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  subject?: string;
  /** Extension attribute: the tenant the event concerns, when it concerns one. */
  tenantid?: string;
  /** Extension attribute (W3C traceparent), so consumers can link the event to its cause. */
  traceparent?: string;
  data: Data;
}
