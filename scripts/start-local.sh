#!/usr/bin/env bash
# One command to run Hookline locally:  npm start
#
# Installs dependencies, builds, brings up PostgreSQL and Redis (DATABASE_URL and
# REDIS_URL if both are set; else a Docker engine if one runs; else local
# servers with their data under .hookline/dev/), migrates, bootstraps a demo
# organization once, prints its credentials and copy-paste curl commands, then
# runs the API and a worker until Ctrl-C, and stops what it started.
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
npx --no-install prisma migrate deploy >/dev/null

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

node dist/apps/api/main.js &
PIDS+=($!)
# Node flags as in package.json's start:worker (docs/operations.md).
node --max-semi-space-size=32 dist/apps/worker/main.js &
PIDS+=($!)

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

API="http://127.0.0.1:$PORT"
cat >&2 <<BANNER

  Hookline is running.
    API            $API          (OpenAPI UI: $API/docs)
    PostgreSQL     $DATABASE_URL
    Redis          $REDIS_URL

  Demo organization $ORG_ID, ORG_ADMIN client (all permissions; kept in .hookline/dev/demo-credentials.json):
    client_id      $CLIENT_ID
    client_secret  $CLIENT_SECRET

  Get a token:
    TOKEN=\$(curl -s -u '$CLIENT_ID:$CLIENT_SECRET' -d grant_type=client_credentials $API/oauth2/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')

  Create a first webhook:
    curl -s -X POST $API/api/v1/organization/webhooks -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"Low battery","triggerType":"DEVICE_LOW_BATTERY","url":"https://example.com/hooks/{device_id}","bodyTemplate":"{\"level\": {battery_level}}"}'

  Ctrl-C stops everything.

BANNER

# Exit (and clean up) when either process ends or on Ctrl-C.
wait -n "${PIDS[@]}"
