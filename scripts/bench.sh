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
  if [ "$STARTED" = local ]; then
    hl_redis_stop "$BENCH_DIR/redis" "${REDIS_PORT:-0}"
    hl_pg_stop "${HL_PG_DATA:-}"
    rm -rf "$BENCH_DIR" "${HL_PG_DATA:-$BENCH_DIR}" "${HL_PG_DATA:-$BENCH_DIR}.initdb.log" 2>/dev/null
  fi
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
  BENCH_DIR="$PWD/.hookline/bench-$$"
  PG_PORT=$(hl_free_port); REDIS_PORT=$(hl_free_port)
  STARTED=local
  # Default durability settings (fsync on): the figures include real commits.
  hl_pg_start "$BENCH_DIR/pg" "$PG_PORT"
  hl_redis_start "$BENCH_DIR/redis" "$REDIS_PORT"
  export DATABASE_URL="postgresql://hookline@127.0.0.1:$PG_PORT/hookline"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
fi
export HOOKLINE_ENCRYPTION_KEY="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
export HOOKLINE_TOKEN_SECRET="$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")"
npx --no-install prisma migrate deploy >/dev/null
node dist/bench/main.js
