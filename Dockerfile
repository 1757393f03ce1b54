# syntax=docker/dockerfile:1
# One image for every role: the API (ROLE=api), the worker (ROLE=worker) and the one-shot migrator
# (`node dist/scripts/migrate.js`). See docker-compose.yml.

# ---- build: full dependency tree, Prisma client generation, TypeScript compile, the web app (Vite)
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
# No dependency needs its install scripts (esbuild, swc and rolldown ship platform binaries as optional packages),
# and skipping them keeps the build offline-safe (no engine downloads, no telemetry). The project's own
# postinstall (Prisma client generation) is skipped too: `npm run build` below generates it.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY src ./src
COPY clients ./clients
COPY web ./web
# docs/metrics.md is served by the MCP server as a resource (src/mcp/mcp-guides.ts).
COPY docs ./docs
# `build` runs `db:generate` (Prisma client into src/generated) and then tsc -p tsconfig.build.json;
# `web:build` bundles the web app into web/dist, which the API role serves at /.
RUN npm run build && npm run web:build

# ---- test: the build stage plus the test suite (`docker compose run --rm test`)
FROM build AS test
# The fault scripts start private Redis and Postgres servers from these binaries (see docs/testing.md).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql redis-server \
  && rm -rf /var/lib/apt/lists/*
COPY jest.config.js ./
COPY test ./test
CMD ["npm", "test"]

# ---- production dependencies only
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/web/dist ./web/dist
COPY --chown=node:node package.json ./
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node docs/metrics.md ./docs/metrics.md
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
