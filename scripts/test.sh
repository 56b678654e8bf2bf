#!/usr/bin/env bash
# The whole test suite, against real PostgreSQL and Redis:
#   npm test [-- jest args]
# Uses DATABASE_URL/REDIS_URL if both are set; else a Docker engine if one runs;
# else starts throwaway local PostgreSQL and Redis on free ports under
# .hookline/test/, and stops and removes them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

STARTED=""
cleanup() {
  local code=$?
  # Ignore further signals so an impatient Ctrl-C cannot leave servers behind.
  trap '' INT TERM
  # Best effort from here on. (In a trap, a bare `return` reports the status of
  # the interrupted command, so errexit would cut the cleanup short.)
  set +e
  case "$STARTED" in
    local) hl_throwaway_stop ;;
    docker) docker compose -p "hookline-test-$$" down -v >/dev/null 2>&1 || true ;;
  esac
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hl_ensure_deps
hl_ensure_build

if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  hl_log "using DATABASE_URL and REDIS_URL from the environment"
elif hl_docker_engine; then
  STARTED=docker
  PG_PORT=$(hl_free_port); REDIS_PORT=$(hl_free_port)
  HOOKLINE_PG_PORT=$PG_PORT HOOKLINE_REDIS_PORT=$REDIS_PORT docker compose -p "hookline-test-$$" up -d --wait postgres redis >&2
  export DATABASE_URL="postgresql://hookline:hookline@127.0.0.1:$PG_PORT/hookline"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
else
  STARTED=local
  hl_throwaway_start "$PWD/.hookline/test-$$" fast
fi

export NODE_ENV=test
export HOOKLINE_ENCRYPTION_KEY="${HOOKLINE_ENCRYPTION_KEY:-$(openssl rand -base64 32 2>/dev/null || node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")}"
export HOOKLINE_TOKEN_SECRET="${HOOKLINE_TOKEN_SECRET:-$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")}"
# Tests deliver to receivers on loopback.
export HOOKLINE_ALLOWED_TARGET_CIDRS="127.0.0.0/8,::1/128"

hl_log "running jest"
npx --no-install jest --ci "$@"
