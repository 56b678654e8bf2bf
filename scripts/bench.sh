#!/usr/bin/env bash
# npm run bench: deliveries/s against a bare-BullMQ ceiling, ingest-to-receipt
# latency at fixed rates, fan-out, and ingest, on throwaway local PostgreSQL and
# Redis (or DATABASE_URL/REDIS_URL if both are set). Prints a table and writes
# bench/results/<time>.json. Method: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

hl_stores_down_on_exit

hl_ensure_deps
hl_ensure_build
hl_log "building the benchmark"
npx --no-install nest build bench >&2

# Default durability settings (fsync on): the figures include real commits.
hl_stores_up bench
export HOOKLINE_ENCRYPTION_KEY="$(hl_random_key)"
export HOOKLINE_TOKEN_SECRET="$(hl_random_key)"
npx --no-install prisma migrate deploy >/dev/null
node dist/bench/main.js
