import { SUPPORTED_PROTOCOL_VERSIONS, DEFAULT_NEGOTIATED_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

/**
 * DNS-rebinding defence: a browser page on another origin must not reach the gateway through a
 * name that resolves to it. Requests without Origin (non-browser clients) pass; a present Origin
 * must be allowed by configuration. The Host must be one of the configured names when any are set.
 */
export function originAllowed(origin: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes('*')) return true;
  return allowedOrigins.includes(origin.toLowerCase());
}

export function hostAllowed(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return true;
  if (host === undefined) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return allowedHosts.includes(name);
}

/** The MCP-Protocol-Version header of a post-initialize request; absent means the 2025-03-26 default. */
export function protocolVersionFromHeader(value: string | undefined): string | undefined {
  const v = value ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
  return SUPPORTED_PROTOCOL_VERSIONS.includes(v) ? v : undefined;
}

/** Streamable HTTP requires POST clients to accept both JSON and SSE answers. */
export function acceptsMcpPost(accept: string | undefined): boolean {
  if (!accept) return false;
  const a = accept.toLowerCase();
  const any = a.includes('*/*');
  return (any || a.includes('application/json')) && (any || a.includes('text/event-stream'));
}
