import type { FastifyInstance } from 'fastify';
import { hostAllowed, originAllowed } from '../mcp/http-checks.js';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
// Swagger UI needs its own scripts and inline styles; nothing else is loosened.
const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** Security headers on every answer, errors and 404s included (they are set before routing). */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('content-security-policy', request.url.startsWith('/docs') ? DOCS_CSP : API_CSP);
    reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
}

/**
 * DNS-rebinding defence on the MCP endpoints (MCP transport spec): a browser Origin that is not
 * configured, or a Host that is not one of the configured names, is refused before anything else.
 */
export function installMcpOriginCheck(fastify: FastifyInstance, allowedOrigins: readonly string[], allowedHosts: readonly string[]): void {
  const origins = allowedOrigins.map((o) => o.toLowerCase());
  const hosts = allowedHosts.map((h) => h.toLowerCase());
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/mcp')) return;
    const origin = request.headers.origin;
    if (!originAllowed(origin, origins) || !hostAllowed(request.headers.host, hosts)) {
      return reply
        .status(403)
        .send({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Forbidden: origin or host not allowed' } });
    }
  });
}
