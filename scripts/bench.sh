#!/usr/bin/env bash
# npm run bench: deliveries/s against a bare-BullMQ ceiling, ingest-to-receipt
# latency at fixed rates, fan-out, and ingest, on throwaway local PostgreSQL and
# Redis (or DATABASE_URL/REDIS_URL if both are set). Prints a table and writes
# bench/results/<time>.json. Method: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

STARTED=""
cleanup() {
  local code=$?
  trap '' INT TERM
  set +e
  [ "$STARTED" = local ] && hl_throwaway_stop
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hl_ensure_deps
hl_ensure_build
hl_log "building the benchmark"
npx --no-install nest build bench >&2

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  hl_log "using DATABASE_URL and REDIS_URL from the environment"
else
  STARTED=local
  # Default durability settings (fsync on): the figures include real commits.
  hl_throwaway_start "$PWD/.hookline/bench-$$"
fi
export HOOKLINE_ENCRYPTION_KEY="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
export HOOKLINE_TOKEN_SECRET="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
npx --no-install prisma migrate deploy >/dev/null
node dist/bench/main.js
