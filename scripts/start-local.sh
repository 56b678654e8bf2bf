#!/usr/bin/env bash
# One command to run Hookline locally:  npm start
#
# Installs dependencies, builds, brings up PostgreSQL and Redis (DATABASE_URL and
# REDIS_URL if both are set; else a Docker engine if one runs; else local
# servers with their data under .hookline/dev/), migrates, bootstraps a demo
# organization once, runs the API and a worker (their output in .hookline/dev/*.log),
# prints where everything is and copy-paste first steps once both are ready, and
# on Ctrl-C or a signal to npm stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

DEV_DIR="$PWD/.hookline/dev"
mkdir -p "$DEV_DIR"
STARTED=""
PIDS=()

cleanup() {
  # Ignore further signals so a second Ctrl-C cannot cut the shutdown short.
  trap '' INT TERM
  # Best effort from here on. (In a trap, a bare `return` reports the status of
  # the interrupted command, so errexit would cut the cleanup short.)
  set +e
  trap - EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    hl_log "stopping API and worker"
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  case "$STARTED" in
    local)
      hl_log "stopping PostgreSQL and Redis (data kept in .hookline/dev)"
      hl_redis_stop "$DEV_DIR/redis" "${REDIS_PORT:-0}"
      hl_pg_stop "${HL_PG_DATA:-}"
      ;;
    docker) docker compose stop postgres redis >/dev/null 2>&1 || true ;;
  esac
}
trap cleanup EXIT
trap 'exit 130' INT TERM
hl_exit_with_parent

hl_ensure_deps
hl_ensure_build

# Ports are chosen once and kept, so the URLs stay the same between runs.
pick_port() { # name default
  local file="$DEV_DIR/$1.port" port
  if [ -f "$file" ]; then port=$(cat "$file"); else port=$2; fi
  if hl_port_busy "$port"; then port=$(hl_free_port); fi
  echo "$port" >"$file"
  echo "$port"
}

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  hl_log "using DATABASE_URL and REDIS_URL from the environment"
elif hl_docker_engine; then
  STARTED=docker
  hl_log "starting PostgreSQL and Redis with docker compose"
  docker compose up -d --wait postgres redis >&2
  export DATABASE_URL="postgresql://hookline:hookline@127.0.0.1:${HOOKLINE_PG_PORT:-5432}/hookline"
  export REDIS_URL="redis://127.0.0.1:${HOOKLINE_REDIS_PORT:-6379}"
else
  PG_PORT=$(pick_port pg 54329)
  REDIS_PORT=$(pick_port redis 63799)
  STARTED=local
  hl_pg_start "$DEV_DIR/pg" "$PG_PORT"
  hl_redis_start "$DEV_DIR/redis" "$REDIS_PORT"
  export DATABASE_URL="postgresql://hookline@127.0.0.1:$PG_PORT/hookline"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
fi

# Development: keys are generated once into .hookline/dev-keys.json (git-ignored),
# and loopback targets are allowed so local receivers work.
export NODE_ENV="${NODE_ENV:-development}"
export HOOKLINE_ALLOWED_TARGET_CIDRS="${HOOKLINE_ALLOWED_TARGET_CIDRS:-127.0.0.0/8,::1/128}"
export PORT="${PORT:-$(pick_port api 3000)}"

hl_log "applying migrations"
npx --no-install prisma migrate deploy >"$DEV_DIR/migrate.log" 2>&1 || { cat "$DEV_DIR/migrate.log" >&2; hl_die "migrations failed"; }

CREDS="$DEV_DIR/demo-credentials.json"
client_exists() {
  node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.env.DATABASE_URL });
    const id = require('$CREDS').clientId;
    c.connect().then(() => c.query('SELECT 1 FROM api_client WHERE id = \$1 AND revoked_at IS NULL', [id]))
      .then((r) => c.end().then(() => process.exit(r.rowCount ? 0 : 1)), () => process.exit(1));"
}
if [ ! -f "$CREDS" ] || ! client_exists; then
  hl_log "bootstrapping the demo organization"
  node dist/apps/cli/main.js bootstrap --org demo --json >"$CREDS.tmp"
  mv "$CREDS.tmp" "$CREDS"
  chmod 600 "$CREDS"
fi
CLIENT_ID=$(node -p "require('$CREDS').clientId")
CLIENT_SECRET=$(node -p "require('$CREDS').clientSecret")
ORG_ID=$(node -p "require('$CREDS').organizationId")

WORKER_METRICS_PORT=$(pick_port worker-metrics 9464)
export HOOKLINE_WORKER_METRICS_PORT="$WORKER_METRICS_PORT"
# The apps' JSON lines go to log files, so the banner below is the last thing on the terminal.
API_LOG="$DEV_DIR/api.log"
WORKER_LOG="$DEV_DIR/worker.log"
node dist/apps/api/main.js >"$API_LOG" 2>&1 &
PIDS+=($!)
# Node flags as in package.json's start:worker (docs/operations.md).
node --max-semi-space-size=32 dist/apps/worker/main.js >"$WORKER_LOG" 2>&1 &
PIDS+=($!)

# Ready when both answer /health/ready; an app that exits first shows its log and ends the run.
wait_ready() { # url log pid name
  local i
  for i in $(seq 1 600); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || { tail -20 "$2" >&2; hl_die "the $4 exited during start-up (log: $2)"; }
    sleep 0.2
  done
  tail -20 "$2" >&2
  hl_die "the $4 did not become ready (log: $2)"
}
wait_ready "http://127.0.0.1:$PORT/health/ready" "$API_LOG" "${PIDS[0]}" API
wait_ready "http://127.0.0.1:$WORKER_METRICS_PORT/health/ready" "$WORKER_LOG" "${PIDS[1]}" worker

. scripts/lib/banner.sh
hl_banner >&2

# Exit (and clean up) when either process ends or on Ctrl-C.
wait -n "${PIDS[@]}"
