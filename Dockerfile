# The agent-metrics Temporal worker (docker-compose.yml, profile `worker`).
# Build: docker compose -p agent-metrics --profile worker build   Run: ... --profile worker up -d
# Node 24 is the LTS line every dependency (Temporal's native core bridge included) supports; override with
# --build-arg NODE_VERSION=26 to try the newer LTS.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci fails when package-lock.json and package.json disagree: lock drift stops the build.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production METRICS_ADDRESS=0.0.0.0:9464
# glibc: two malloc arenas and a fixed mmap threshold, so the buffers an export frees go back to the system (README
# "Performance": worker memory).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/worker/healthcheck.js"]
# Settings come from the environment (the same variable names as .env.example and .stack/stack.env). A 1 MiB V8
# young generation and an old generation that grows 20% between full collections keep the worker's memory small
# (README "Performance": worker memory).
CMD ["node", "--max-semi-space-size=1", "--heap-growing-percent=20", "dist/worker/main.js"]
