# syntax=docker/dockerfile:1
# Builds both apps (and the bootstrap CLI) into one image; docker-compose.yml
# picks the command. The Prisma CLI in the image needs no engine download
# (prisma/engine/schema-engine.mjs), so `prisma migrate deploy` works offline.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# Dependencies' install scripts are not needed (scripts/lib/deps.sh says why); the project's postinstall is.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm run postinstall
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# npm run build compiles the TypeScript client too (not copied into the image).
COPY clients ./clients
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/generated ./generated
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/main.js"]
