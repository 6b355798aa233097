// Mints a development HS256 token the gateway accepts when AUTH_HS256_SECRET is set:
//   npm run token -- --tenant acme --role admin [--tenant globex] [--sub alice] [--ttl 3600]
// Secret, issuer and audience come from the gateway's own environment schema (same defaults).
import { parseArgs } from 'node:util';
import { mintDevToken } from '#auth';
import { loadEnvOrExit } from '#env';
import { parseTenantId } from '#tenancy';
import { gatewayEnvSchema } from '../apps/mcp-gateway/src/env.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true, default: [] },
    role: { type: 'string', multiple: true, default: [] },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '3600' },
  },
});
const env = loadEnvOrExit(gatewayEnvSchema);
if (!env.AUTH_HS256_SECRET) {
  process.stderr.write('AUTH_HS256_SECRET is not set: the gateway would not accept an HS256 token\n');
  process.exit(1);
}
process.stdout.write(
  `${mintDevToken({
    secret: env.AUTH_HS256_SECRET,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    subject: values.sub,
    tenants: values.tenant.map((t) => parseTenantId(t)),
    roles: values.role,
    ttlSec: Number(values.ttl),
  })}\n`,
);
