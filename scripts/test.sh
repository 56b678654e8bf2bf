#!/usr/bin/env bash
# The whole test suite, against real PostgreSQL and Redis:
#   npm test [-- jest args]
# Uses DATABASE_URL/REDIS_URL if both are set; else a Docker engine if one runs;
# else starts throwaway local PostgreSQL and Redis on free ports under
# .hookline/test-<pid>/, and stops and removes them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

hl_stores_down_on_exit

hl_ensure_deps
hl_ensure_build
# The API with a fault armed, which only the chaos tests run (test/faulty-api).
if [ ! dist/test/faulty-api/main.js -nt dist/apps/api/main.js ] || [ -n "$(find test/faulty-api -newer dist/test/faulty-api/main.js -type f -print -quit)" ]; then
  hl_log "building the test-only faulty API"
  npx --no-install nest build faulty-api >&2
fi
hl_chromium_ensure
hl_stores_up test fast

export NODE_ENV=test
# Whatever the tests put in the temp directory lives in the run's own folder,
# removed at exit like the servers, also when a test dies before its cleanup.
export TMPDIR="$PWD/.hookline/tmp-$$"
HL_RUN_TMP="$TMPDIR"
mkdir -p "$TMPDIR"
export HOOKLINE_ENCRYPTION_KEY="${HOOKLINE_ENCRYPTION_KEY:-$(hl_random_key)}"
export HOOKLINE_TOKEN_SECRET="${HOOKLINE_TOKEN_SECRET:-$(hl_random_key)}"
# Tests deliver to receivers on loopback.
export HOOKLINE_ALLOWED_TARGET_CIDRS="127.0.0.0/8,::1/128"

# jest transpiles without type checks (fast); the whole project, specs included, is checked here.
hl_log "type-checking (tsc --noEmit)"
npm run -s typecheck
hl_log "running jest"
# Servers the tests start themselves are stopped with the run's, whatever ends it.
export HL_SERVERS_FILE="$PWD/.hookline/servers-$$"
hl_run_group node node_modules/jest/bin/jest.js --ci "$@"
