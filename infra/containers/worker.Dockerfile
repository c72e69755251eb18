# The image worker (BullMQ + sharp). Build from the repository root:
#   docker build -f infra/containers/worker.Dockerfile -t image-ingest-worker .
# sharp ships prebuilt libvips for linux-x64 glibc, hence a Debian (not Alpine) base.
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Every workspace manifest, so the lockfile matches the workspace; only the filtered ones install.
COPY packages/shared/package.json packages/shared/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/cli/package.json services/cli/
COPY infra/provision/package.json infra/provision/
RUN pnpm install --frozen-lockfile --prod --filter "@ingest/worker..."

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# jemalloc with a short decay keeps the worker's memory flat under sharp; glibc's settings stay
# for a build without it (services/worker/README.md; the same values as WORKER_ALLOCATOR_ENV in
# infra/provision).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
ENV NODE_ENV=production \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    WORKER_HEALTH_PORT=3001
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=deps --chown=node:node /app/packages/shared/node_modules ./packages/shared/node_modules
COPY --from=deps --chown=node:node /app/services/worker/node_modules ./services/worker/node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node packages/shared/package.json packages/shared/
COPY --chown=node:node packages/shared/src packages/shared/src
COPY --chown=node:node services/worker/package.json services/worker/
COPY --chown=node:node services/worker/src services/worker/src
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HEALTH_PORT || 3001) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM lets active jobs finish (or hands them back) within SHUTDOWN_TIMEOUT_MS.
STOPSIGNAL SIGTERM
CMD ["node", "services/worker/src/main.ts"]
