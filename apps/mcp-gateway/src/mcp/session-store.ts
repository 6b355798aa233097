import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What a replica needs to serve a session it did not open. Never holds the caller's credential. */
export interface McpSessionRecord {
  id: string;
  principalId: string;
  tenantId: string;
  /** `/mcp` (all servers, namespaced) or one upstream server's name. */
  endpoint: string;
  protocolVersion: string;
  clientCapabilities: Record<string, unknown>;
  logLevel?: string;
  createdAt: number;
}

/** Session records in Redis with a sliding idle expiry, so any replica can serve any session. */
export class McpSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly idleTtlSec: number,
  ) {}

  static newId(): string {
    // 128 bits, URL-safe, visible ASCII as the spec requires.
    return randomBytes(16).toString('base64url');
  }

  async create(record: McpSessionRecord): Promise<void> {
    await this.redis.set(this.key(record.id), JSON.stringify(record), 'EX', this.idleTtlSec);
  }

  /** Loads a session and extends its idle expiry in the same round trip. */
  async touch(id: string): Promise<McpSessionRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) return undefined;
    const raw = await this.redis.getex(this.key(id), 'EX', this.idleTtlSec);
    return raw ? (JSON.parse(raw) as McpSessionRecord) : undefined;
  }

  async update(record: McpSessionRecord): Promise<void> {
    await this.redis.set(this.key(record.id), JSON.stringify(record), 'EX', this.idleTtlSec, 'XX');
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return `${this.keyPrefix}mcp:session:${id}`;
  }
}

export type SessionCheck = { ok: true } | { ok: false; reason: 'not_found' | 'foreign' | 'wrong_endpoint' };

/** A session id is only good for the principal, tenant and endpoint that opened it. */
export function checkSessionOwner(
  record: McpSessionRecord | undefined,
  principalId: string,
  tenantId: string,
  endpoint: string,
): SessionCheck {
  if (!record) return { ok: false, reason: 'not_found' };
  if (record.principalId !== principalId || record.tenantId !== tenantId) return { ok: false, reason: 'foreign' };
  if (record.endpoint !== endpoint) return { ok: false, reason: 'wrong_endpoint' };
  return { ok: true };
}
