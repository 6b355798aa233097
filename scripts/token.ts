// Mints a development HS256 token the gateway accepts (AUTH_HS256_SECRET, or its development default):
//   npm run token -- --tenant acme --role admin [--tenant globex] [--sub alice] [--ttl 3600]
// Secret, issuer and audience come from the gateway's own environment schema (same defaults).
import { parseArgs } from 'node:util';
import { mintDevToken } from '#auth';
import { loadEnvOrExit } from '#env';
import { parseTenantId } from '#tenancy';
import { gatewayEnvSchema, hs256SecretOf } from '../apps/mcp-gateway/src/env.js';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true, default: [] },
    role: { type: 'string', multiple: true, default: [] },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '3600' },
  },
});
const env = loadEnvOrExit(gatewayEnvSchema);
const secret = hs256SecretOf(env);
if (!secret) {
  process.stderr.write(
    'AUTH_HS256_SECRET is not set (and production has no development default): the gateway would not accept an HS256 token\n',
  );
  process.exit(1);
}
process.stdout.write(
  `${mintDevToken({
    secret,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    subject: values.sub,
    tenants: values.tenant.map((t) => parseTenantId(t)),
    roles: values.role,
    ttlSec: Number(values.ttl),
  })}\n`,
);
