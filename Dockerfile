# syntax=docker/dockerfile:1
# One image for the pipeline's Fargate services. Each service runs it with its own command
# (runtime/common/services.ts); the default command is the ingest service, and it is the very
# command the integration tests start. Node 22: AWS SDK v3 releases from 2027 need it.

# Compile runtime/ to dist/ with the locked dev dependencies (TypeScript).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY runtime ./runtime
RUN npm run build

# Production dependencies only: no Pulumi, no test or build tools.
FROM node:22-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/runtime ./dist/runtime
COPY --chown=root:root package.json ./
# The JSON Schemas, for ingest's auto-registration (SCHEMA_AUTO_REGISTER=true).
COPY --chown=root:root schemas ./schemas
# The NYC taxi samples, for the replay task (infra/replay/replay-task.ts).
COPY --chown=root:root data/nyc-taxi ./data/nyc-taxi
# Files stay root-owned and read-only to the service, which runs as the unprivileged node user.
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 CMD ["node", "dist/runtime/common/healthcheck.js"]
CMD ["node", "dist/runtime/ingest/main.js"]
