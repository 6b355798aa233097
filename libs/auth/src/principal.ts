/** Who is calling, as established by a verified JWT or API key. Never carries the credential itself. */
export interface Principal {
  readonly id: string;
  readonly kind: 'user' | 'api_key';
  /** Tenants the principal may act for; a tenant route must name one of these. */
  readonly tenants: readonly string[];
  readonly roles: readonly string[];
  /** Epoch milliseconds after which the credential that produced this principal is no longer valid. */
  readonly expiresAt: number;
}
