# syntax=docker/dockerfile:1
#
# Production image for the TriLight Homes API, worker and one-shot scripts.
# TypeScript runs through tsx (a regular dependency), so there is no build step
# and the dev-only toolchain (typescript, jest, eslint) stays out of the image.
#
#   docker build -t trilight-homes .
#   docker run ... trilight-homes                              # API (default)
#   docker run ... trilight-homes node --import tsx workers/main.ts      # Temporal worker
#   docker run ... trilight-homes node --import tsx scripts/migrate.ts up
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so source changes reuse this layer. Install scripts are
# skipped (as package.json's allowScripts intends): the native packages the app
# needs at run time (esbuild, swc, Temporal's core bridge) ship prebuilt
# binaries as ordinary files, and embedded Postgres is never used in production.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts \
    && npm cache clean --force

# Application source, owned by root and read-only to the runtime user.
COPY tsconfig.json ./
COPY lib ./lib
COPY domain ./domain
COPY models ./models
COPY activities ./activities
COPY workflows ./workflows
COPY workers ./workers
COPY api ./api
COPY scripts ./scripts

# TRILIGHT_DATA_DIR defaults to .data/dev under the project root; it is the only
# place the app may write.
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node

EXPOSE 3000

CMD ["node", "--import", "tsx", "api/main.ts"]
