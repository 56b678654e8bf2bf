#!/usr/bin/env bash
# Installs node_modules with `npm ci` (exactly the lock, as CI pipelines and
# container builds do) when missing or older than package-lock.json, then runs
# the project's postinstall (prisma generate), also when only the schema
# changed. Dependencies' install scripts are not run: the Prisma engines'
# download (never used, docs/decisions.md) leaves an empty folder in /tmp on a
# machine without the network, Scarf's is install telemetry, and msgpackr finds
# its prebuilt binary without one. The lock lists every platform's optional
# packages, so `npm ci` accepts it on any machine: after changing dependencies,
# run `npm install` and commit the lock it writes.
hl_ensure_deps() {
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    hl_log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error --ignore-scripts >&2
    npm run -s postinstall >/dev/null
  elif [ ! -f generated/prisma/client.ts ] || [ prisma/schema.prisma -nt generated/prisma/client.ts ]; then
    hl_log "generating the Prisma client"
    npm run -s postinstall >/dev/null
  fi
}

# Builds dist/ when any source is newer than the last build.
hl_ensure_build() {
  if [ ! -f dist/apps/api/main.js ] || [ ! -f dist/apps/worker/main.js ] || [ ! -f clients/typescript/dist/index.js ] || [ ! -f dist/console/index.html ] \
    || [ -n "$(find apps libs clients/typescript/src prisma/schema.prisma package-lock.json -newer dist/apps/api/main.js -type f -print -quit 2>/dev/null)" ]; then
    hl_log "building (npm run build)"
    npm run -s build >&2
  fi
}

# A Docker engine that answers (the client alone is not enough).
hl_docker_engine() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1
}

# Debian's chromium for the console's browser tests (playwright-core drives it;
# no browser download). Installed with apt when missing and we are root.
hl_chromium_ensure() {
  [ -x "${HOOKLINE_CHROMIUM:-/usr/bin/chromium}" ] && return 0
  hl_log "chromium not found; installing Debian's chromium package (browser tests)"
  local sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  command -v apt-get >/dev/null 2>&1 || hl_die "chromium is missing and apt-get is not available: install chromium or set HOOKLINE_CHROMIUM"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || hl_die "could not install chromium; install it or set HOOKLINE_CHROMIUM"
}
