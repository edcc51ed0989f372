# The agent-metrics Temporal worker (docker-compose.yml, profile `worker`).
# Build: docker compose -p agent-metrics --profile worker build   Run: ... --profile worker up -d
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# Settings come from the environment (the same variable names as .env.example and .stack/stack.env).
CMD ["node", "dist/worker/main.js"]
