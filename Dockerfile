# syntax=docker/dockerfile:1.7
# One Dockerfile for the five apps: docker build --build-arg APP=mcp-gateway -t mcp-gateway .
# APP is one of mcp-gateway, mcp-orchestrator-api, mcp-policy-proxy, mcp-config, mcp-tracehub.
ARG NODE_IMAGE=node:20.19.0-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot

# Production dependencies only: the bundle keeps every package in "dependencies" external.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Compiles with tsc (decorator metadata) and bundles the one app with esbuild.
FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN test -n "${APP}" && npm run "build:${APP}" && node scripts/build-bundle.mjs migrate

# Distroless: no shell, no package manager; uid/gid 65532 ("nonroot").
FROM ${RUNTIME_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
# The app's bundle lands at a fixed path (/app/main.mjs) so the exec-form CMD needs no variable.
COPY --from=build /src/dist/bundle/${APP}/ ./
# Every image can apply all apps' migrations (/app/migrate/main.mjs): the migration Job runs it.
COPY --from=build /src/dist/bundle/migrate/ ./migrate/
LABEL org.opencontainers.image.title="${APP}" \
      org.opencontainers.image.source="https://github.com/mcp-platform/mcp-orchestrator-platform"
# Files stay owned by root: the app cannot rewrite its own code, and nothing is written under /app,
# so the root filesystem can be mounted read-only.
USER 65532:65532
# mcp-tracehub also listens on 4318 (OTLP/HTTP) and 14269 (admin).
EXPOSE 8080
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps"]
CMD ["/app/main.mjs"]
