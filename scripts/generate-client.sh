#!/usr/bin/env bash
# Regenerates the TypeScript client's API description from the API itself:
#   npm run client:generate
# Builds, starts the API on throwaway stores (as npm test does), saves its
# OpenAPI document to clients/typescript/openapi.json and generates
# clients/typescript/src/schema.ts from it with openapi-typescript.
# test/client.e2e-spec.ts fails when either is older than the API.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
. scripts/lib/deps.sh

hl_stores_down_on_exit
hl_ensure_deps
hl_ensure_build
hl_stores_up client fast
export NODE_ENV=test PORT
PORT=$(hl_free_port)
npx --no-install prisma migrate deploy >/dev/null
hl_log "starting the API on 127.0.0.1:$PORT"
log=".hookline/client-api-$$.log"
# In a process group of its own, which the exit cleanup stops (hl__exit_cleanup).
set -m
node dist/apps/api/main.js >"$log" 2>&1 &
HL_CHILD_GROUP=$!
set +m
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/docs-json" -o clients/typescript/openapi.json && break
  kill -0 "$HL_CHILD_GROUP" 2>/dev/null || { cat "$log" >&2; hl_die "the API exited"; }
  sleep 0.2
done
node -e "const f='clients/typescript/openapi.json';const fs=require('fs');fs.writeFileSync(f,JSON.stringify(JSON.parse(fs.readFileSync(f,'utf8')),null,2)+'\n')"
# Request fields with a default stay optional in the types (the API fills them in).
npx --no-install openapi-typescript clients/typescript/openapi.json --default-non-nullable false -o clients/typescript/src/schema.ts >&2
rm -f "$log"
hl_log "wrote clients/typescript/openapi.json and clients/typescript/src/schema.ts"
