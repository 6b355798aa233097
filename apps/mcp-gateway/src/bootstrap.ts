import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadEnvOrExit } from '#env';
import { runApp } from '#runtime';
import { AppModule } from './app.module.js';
import { installMcpOriginCheck, installSecurityHeaders } from './edge/edge-hooks.js';
import { gatewayEnvSchema, type GatewayEnv } from './env.js';

function configure(env: GatewayEnv) {
  return (app: NestFastifyApplication): void => {
    const fastify = app.getHttpAdapter().getInstance();
    installSecurityHeaders(fastify);
    installMcpOriginCheck(fastify, env.CORS_ORIGINS, env.MCP_ALLOWED_HOSTS);
    app.enableCors({
      origin: env.CORS_ORIGINS,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'x-api-key',
        'x-tenant-id',
        'x-request-id',
        'idempotency-key',
        'mcp-session-id',
        'mcp-protocol-version',
        'last-event-id',
      ],
      exposedHeaders: [
        'x-request-id',
        'mcp-session-id',
        'www-authenticate',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('MCP Orchestrator Platform — gateway')
        .setDescription(
          'Every call is authenticated (Bearer JWT or X-API-Key), bound to the tenant in X-Tenant-ID, rate limited and authorized by policy. ' +
            'Errors share one body: { error: { code, message, details }, requestId }.',
        )
        .setVersion('1')
        .addBearerAuth()
        .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  };
}

export async function main(): Promise<void> {
  const env = loadEnvOrExit(gatewayEnvSchema);
  try {
    await runApp({ app: 'mcp-gateway', env, module: AppModule, httpPort: env.HTTP_PORT, configure: configure(env) });
  } catch (err) {
    process.stderr.write(`mcp-gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
