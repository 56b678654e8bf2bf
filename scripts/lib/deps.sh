#!/usr/bin/env bash
# Installs node_modules when missing or older than package-lock.json, then the
# project's postinstall (prisma generate) runs too.
#
# `npm install`, not `npm ci`: the lock pins every version, but npm records no
# entry for optional platform packages a registry does not serve (e.g.
# msgpackr-extract's darwin/win32 builds on a mirror), and `npm ci` then refuses
# the lock as out of sync. `npm install` installs exactly the locked tree and
# leaves the lock unchanged.
hl_ensure_deps() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    hl_log "installing dependencies (npm install from package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error >&2
  elif [ ! -f generated/prisma/client.ts ] || [ prisma/schema.prisma -nt generated/prisma/client.ts ]; then
    hl_log "generating the Prisma client"
    npx --no-install prisma generate >/dev/null
  fi
}

# Builds dist/ when any source is newer than the last build.
hl_ensure_build() {
  if [ ! -f dist/apps/api/main.js ] || [ ! -f dist/apps/worker/main.js ] || [ -n "$(find apps libs prisma/schema.prisma package-lock.json -newer dist/apps/api/main.js -type f -print -quit 2>/dev/null)" ]; then
    hl_log "building (npm run build)"
    npm run -s build >&2
  fi
}

# A Docker engine that answers (the client alone is not enough).
hl_docker_engine() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1
}
