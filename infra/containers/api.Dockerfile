# The upload API. Build from the repository root:
#   docker build -f infra/containers/api.Dockerfile -t image-ingest-api .
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build step: the
# image holds the workspace's sources and its production dependencies only.
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# pnpm at the version in package.json's "packageManager", through corepack.
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Every workspace manifest, so the lockfile matches the workspace; only the filtered ones install.
COPY packages/shared/package.json packages/shared/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/cli/package.json services/cli/
COPY infra/provision/package.json infra/provision/
# Production dependencies of the API and the workspace packages it uses, nothing else.
RUN pnpm install --frozen-lockfile --prod --filter "@ingest/api..."

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=deps --chown=node:node /app/packages/shared/node_modules ./packages/shared/node_modules
COPY --from=deps --chown=node:node /app/services/api/node_modules ./services/api/node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node packages/shared/package.json packages/shared/
COPY --chown=node:node packages/shared/src packages/shared/src
COPY --chown=node:node services/api/package.json services/api/
COPY --chown=node:node services/api/src services/api/src
USER node
EXPOSE 3000
# Liveness only: /readyz (dependencies) is for the proxy or the orchestrator to route on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.API_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight uploads for SHUTDOWN_TIMEOUT_MS (services/api/src/shutdown.ts).
STOPSIGNAL SIGTERM
# V8 heap sizing for a stream of uploads: API_NODE_FLAGS in infra/provision/src/api-node-flags.ts.
CMD ["node", "--initial-old-space-size=128", "services/api/src/main.ts"]
