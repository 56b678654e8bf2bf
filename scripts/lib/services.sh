#!/usr/bin/env bash
# Local PostgreSQL and Redis for development and tests, without Docker.
#
# Sourced by scripts/start-local.sh, scripts/test.sh and scripts/bench.sh.
# Everything lives in a data folder chosen by the caller and listens on
# 127.0.0.1 on ports the caller passes (normally free ports picked at run time),
# so nothing collides with a system PostgreSQL/Redis or another checkout.

hl_log() { printf '\033[1;34m[hookline]\033[0m %s\n' "$*" >&2; }
hl_die() { printf '\033[1;31m[hookline]\033[0m %s\n' "$*" >&2; exit 1; }

# A TCP port nobody listens on right now (the kernel picks it).
hl_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

hl_port_busy() {
  node -e "const c=require('net').connect($1,'127.0.0.1');c.on('connect',()=>process.exit(0));c.on('error',()=>process.exit(1))"
}

# Servers that tests start for themselves (to kill or restart them) are listed
# in HL_SERVERS_FILE when it is set, so the run's cleanup stops them too if the
# run is cut short (a signal, a crash) before their own teardown.
hl_track() {
  [ -n "${HL_SERVERS_FILE:-}" ] && echo "$*" >>"$HL_SERVERS_FILE"
  return 0
}
hl_stop_tracked() {
  [ -n "${HL_SERVERS_FILE:-}" ] && [ -f "$HL_SERVERS_FILE" ] || return 0
  local kind dir port
  while read -r kind dir port; do
    case "$kind" in
      redis) hl_redis_stop "$dir" "$port"; rm -rf "$dir" ;;
      pg) hl_pg_stop "$dir"; rm -rf "$dir" "$dir.initdb.log" ;;
    esac
  done <"$HL_SERVERS_FILE"
  rm -f "$HL_SERVERS_FILE"
}

hl_pg_bindir() {
  if [ -n "${HOOKLINE_PG_BINDIR:-}" ]; then echo "$HOOKLINE_PG_BINDIR"; return 0; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  hl_die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL 15+ (apt-get install -y postgresql) or set DATABASE_URL."
}

# PostgreSQL refuses to run as root: as root we run its tools as the 'postgres' user.
hl_as_pg() {
  # From / so the postgres user is never left in a folder it cannot read.
  if [ "$(id -u)" = "0" ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The data folder must be reachable by the postgres user. A project inside a
# private folder (mktemp -d is 0700) is not, so fall back to a folder of our own
# under /var/tmp keyed by the requested path.
hl_pg_datadir() {
  local wanted="$1"
  mkdir -p "$wanted"
  if [ "$(id -u)" = "0" ]; then
    chown postgres: "$wanted"
    chmod 700 "$wanted"
    if ! runuser -u postgres -- test -w "$wanted" 2>/dev/null; then
      local alt="/var/tmp/hookline-pg-$(printf '%s' "$wanted" | sha1sum | cut -c1-12)"
      mkdir -p "$alt" && chown postgres: "$alt" && chmod 700 "$alt"
      hl_log "postgres cannot reach $wanted (private parent folder); using $alt"
      echo "$alt"; return 0
    fi
  fi
  echo "$wanted"
}

# hl_pg_start DATA_DIR PORT [fast]  -> exports HL_PG_DATA, prints nothing
hl_pg_start() {
  local data port fast bindir
  data=$(hl_pg_datadir "$1"); port="$2"; fast="${3:-}"
  # Known before anything can fail, so the caller's cleanup can stop the server.
  HL_PG_DATA="$data"
  export HL_PG_DATA
  hl_track pg "$data" 
  bindir=$(hl_pg_bindir)
  if [ ! -f "$data/PG_VERSION" ]; then
    hl_log "initialising PostgreSQL in $data"
    hl_as_pg "$bindir/initdb" -D "$data" -U hookline --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 \
      || hl_as_pg "$bindir/initdb" -D "$data" -U hookline --auth=trust -E UTF8 --no-locale >"$data.initdb.log" 2>&1 \
      || { cat "$data.initdb.log" >&2; hl_die "initdb failed"; }
  fi
  # autovacuum_naptime: delivery rows churn fast (docs/operations.md).
  local opts="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200 -c autovacuum_naptime=10s"
  if [ "$fast" = "fast" ]; then
    # Throwaway test cluster: durability is not the point, speed is.
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  hl_log "starting PostgreSQL on 127.0.0.1:$port"
  hl_as_pg "$bindir/pg_ctl" -D "$data" -o "$opts" -l "$data/server.log" -w -t 60 start >/dev/null \
    || { tail -20 "$data/server.log" >&2; hl_die "PostgreSQL did not start"; }
  if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U hookline -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='hookline'" | grep -q 1; then
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U hookline hookline
  fi
}

hl_pg_stop() {
  local data="${1:-}" bindir
  [ -n "$data" ] || return 0
  [ -f "$data/postmaster.pid" ] || return 0
  bindir=$(hl_pg_bindir)
  hl_as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

hl_redis_ensure() {
  command -v redis-server >/dev/null 2>&1 && return 0
  hl_log "redis-server not found; installing Debian's redis-server package"
  local sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  command -v apt-get >/dev/null 2>&1 || hl_die "redis-server is missing and apt-get is not available: install Redis 6.2+ or set REDIS_URL"
  # Do not let the package start a system-wide Redis on 6379: we run our own.
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get update -qq >/dev/null \
    && $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq redis-server >/dev/null \
    || hl_die "could not install redis-server; install Redis or set REDIS_URL"
}

# hl_redis_start DIR PORT [ephemeral]
# ephemeral: no persistence at all, so a restart comes back empty (tests of a
# Redis that lost its data).
hl_redis_start() {
  local dir="$1" port="$2" persistence="--appendonly yes"
  [ "${3:-}" = "ephemeral" ] && persistence="--appendonly no"
  hl_redis_ensure
  mkdir -p "$dir"
  hl_track redis "$dir" "$port"
  hl_log "starting Redis on 127.0.0.1:$port"
  # Same settings as docker-compose: AOF persistence and noeviction, because a
  # queue that silently drops keys under memory pressure loses work.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    $persistence --maxmemory-policy noeviction --save "" >/dev/null \
    || hl_die "Redis did not start"
  local i
  for i in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  tail -20 "$dir/redis.log" >&2
  hl_die "Redis did not answer on port $port"
}

hl_redis_stop() {
  local dir="$1" port="$2"
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
}

# Throwaway PostgreSQL + Redis on free ports under DIR (tests, benchmark):
# exports DATABASE_URL and REDIS_URL; hl_throwaway_stop stops them and removes
# their folders. MODE "fast" turns PostgreSQL durability off (tests only).
hl_throwaway_start() {
  HL_THROWAWAY_DIR="$1"
  local mode="${2:-}" pg_port
  pg_port=$(hl_free_port)
  HL_REDIS_PORT=$(hl_free_port)
  hl_pg_start "$HL_THROWAWAY_DIR/pg" "$pg_port" "$mode"
  hl_redis_start "$HL_THROWAWAY_DIR/redis" "$HL_REDIS_PORT"
  export DATABASE_URL="postgresql://hookline@127.0.0.1:$pg_port/hookline"
  export REDIS_URL="redis://127.0.0.1:$HL_REDIS_PORT"
}

hl_throwaway_stop() {
  [ -n "${HL_THROWAWAY_DIR:-}" ] || return 0
  hl_redis_stop "$HL_THROWAWAY_DIR/redis" "${HL_REDIS_PORT:-0}"
  hl_pg_stop "${HL_PG_DATA:-}"
  rm -rf "$HL_THROWAWAY_DIR" "${HL_PG_DATA:-$HL_THROWAWAY_DIR}" "${HL_PG_DATA:-$HL_THROWAWAY_DIR}.initdb.log" 2>/dev/null
  return 0
}

# hl_stores_up NAME [fast]: the stores for a test or benchmark run, in order:
# DATABASE_URL and REDIS_URL if both are set; else a docker compose project of
# its own if a Docker engine answers; else throwaway local servers under
# .hookline/NAME-<pid>. hl_stores_down stops whatever was started.
HL_STORES=""
hl_stores_up() {
  local name="$1" mode="${2:-}"
  if [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ]; then
    hl_log "using DATABASE_URL and REDIS_URL from the environment"
  elif hl_docker_engine; then
    HL_STORES=docker
    HL_COMPOSE_PROJECT="hookline-$name-$$"
    local pg_port redis_port
    pg_port=$(hl_free_port); redis_port=$(hl_free_port)
    HOOKLINE_PG_PORT=$pg_port HOOKLINE_REDIS_PORT=$redis_port docker compose -p "$HL_COMPOSE_PROJECT" up -d --wait postgres redis >&2
    export DATABASE_URL="postgresql://hookline:hookline@127.0.0.1:$pg_port/hookline"
    export REDIS_URL="redis://127.0.0.1:$redis_port"
  else
    HL_STORES=local
    hl_throwaway_start "$PWD/.hookline/$name-$$" "$mode"
  fi
}

hl_stores_down() {
  case "$HL_STORES" in
    local) hl_throwaway_stop ;;
    docker) docker compose -p "$HL_COMPOSE_PROJECT" down -v >/dev/null 2>&1 ;;
  esac
  return 0
}

# npm hands a SIGTERM it gets to the shell running the script, which dies
# without passing it on: the script would run on, orphaned, with its servers.
# hl_exit_with_parent makes the script act as on SIGTERM once its parent is gone.
hl_exit_with_parent() {
  local parent=$PPID me=$$
  (
    trap - EXIT INT TERM
    while kill -0 "$parent" 2>/dev/null && [ "$(ps -o ppid= -p "$me" 2>/dev/null | tr -d ' ')" = "$parent" ]; do sleep 1; done
    kill -TERM "$me" 2>/dev/null
  ) >/dev/null 2>&1 &
}

# hl_stores_down_on_exit: stop the stores however the script ends (success,
# failure, Ctrl-C, or a signal to npm), keeping the script's exit status.
# hl_run_group CMD...: runs CMD in a process group of its own and waits for it,
# so a signal can stop it and everything it started (hl__exit_cleanup); bash
# would otherwise run its traps only once a foreground command has ended.
hl_run_group() {
  set -m
  "$@" &
  HL_CHILD_GROUP=$!
  set +m
  local code=0
  wait "$HL_CHILD_GROUP" || code=$?
  HL_CHILD_GROUP=""
  return "$code"
}

hl_stores_down_on_exit() {
  trap hl__exit_cleanup EXIT
  trap 'exit 130' INT TERM
  hl_exit_with_parent
}
hl__exit_cleanup() {
  local code=$?
  # Ignore further signals so an impatient Ctrl-C cannot leave servers behind.
  trap '' INT TERM
  # Best effort from here on. (In a trap, a bare `return` reports the status of
  # the interrupted command, so errexit would cut the cleanup short.)
  set +e
  # A run cut short: its process group (jest and the apps it started) goes first.
  [ -n "${HL_CHILD_GROUP:-}" ] && kill -TERM -- "-$HL_CHILD_GROUP" 2>/dev/null && sleep 1
  hl_stop_tracked
  hl_stores_down
  [ -n "${HL_RUN_TMP:-}" ] && rm -rf "$HL_RUN_TMP"
  exit "$code"
}

# 32 random bytes in base64, as HOOKLINE_ENCRYPTION_KEY and HOOKLINE_TOKEN_SECRET want.
hl_random_key() {
  node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"
}
