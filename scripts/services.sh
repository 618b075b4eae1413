#!/usr/bin/env bash
# Local PostgreSQL 15 + Redis 7 for OrthoScan development and CI.
#   scripts/services.sh up|down|status|env
# State lives under $REPO/.local/ (git-ignored). Must work as root from a fresh clone anywhere, without stdin.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
LOCAL="$REPO/.local"
SECRETS="$LOCAL/secrets"
LOGS="$LOCAL/logs"
ENV_FILE="$LOCAL/env"

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${ORTHOSCAN_PG_PORT:-55432}"
REDIS_PORT="${ORTHOSCAN_REDIS_PORT:-56379}"
HOST=127.0.0.1
DB_NAME=orthoscan
OWNER_ROLE=orthoscan_owner
# The app role (and the platform role, docs/adr/0009-platform-read-path.md) are created by the first migration, run
# as the owner, exactly as on RDS; `migrate` then sets the app role's password from OrthoScan__Database__AppRolePassword.
APP_ROLE=orthoscan_app

REDIS_DIR="$LOCAL/redis"
REDIS_PID="$LOCAL/redis.pid"
REDIS_CONF="$LOCAL/redis.conf"
API_PID="$LOCAL/api.pid"
PG_LOG="$LOGS/postgres.log"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as the postgres OS user. cd / first: postgres cannot enter root's cwd (e.g. /root/...).
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# ---------------------------------------------------------------- packages
APT_UPDATED=0
apt_retry() {
  # Another process may hold the dpkg lock (e.g. a background install): wait for it, then retry a few times.
  local i
  for i in $(seq 1 12); do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; then return 0; fi
    log "apt-get $* failed (attempt $i), retrying in 10 s"
    sleep 10
  done
  return 1
}

pkg_ok() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

ensure_packages() {
  local need=()
  # A binary alone is not enough: a concurrent apt run may have unpacked but not yet configured the package.
  if [ ! -x "$PG_BIN/initdb" ] || ! command -v psql >/dev/null || ! pkg_ok postgresql-15; then need+=(postgresql); fi
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null || ! pkg_ok redis-server; then
    need+=(redis-server)
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${need[*]}) and not root: install them with apt"
  log "installing ${need[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then apt_retry update -q; APT_UPDATED=1; fi
  apt_retry install -y -q --no-install-recommends "${need[@]}"
  [ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 not found at $PG_BIN after install"
  command -v redis-server >/dev/null || die "redis-server not found after install"
}

# ---------------------------------------------------------------- secrets
rand_hex() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }

# Create a secret file once; never overwrite it, so passwords stay stable across up/down.
ensure_secret() {
  local file="$SECRETS/$1" kind="$2"
  if [ ! -s "$file" ]; then
    local tmp; tmp="$(mktemp "$SECRETS/.tmp.XXXXXX")"
    case "$kind" in
      hex) rand_hex 24 >"$tmp" ;;
      b64-32) head -c 32 /dev/urandom | base64 -w0 >"$tmp" ;;
    esac
    chmod 600 "$tmp"
    mv "$tmp" "$file"
    log "generated .local/secrets/$1"
  fi
  chmod 600 "$file"
}

read_secret() { tr -d '\n' <"$SECRETS/$1"; }

ensure_dirs() {
  mkdir -p "$LOCAL" "$SECRETS" "$LOGS" "$REDIS_DIR"
  # .local must be traversable (not listable secrets: those are 600) so postgres can reach .local/pg.
  chmod 755 "$LOCAL"
  chmod 700 "$SECRETS" "$REDIS_DIR"
}

# ---------------------------------------------------------------- PostgreSQL
# The data dir must be reachable by the postgres user; a clone under /root (mode 700) is not.
choose_pgdir() {
  if [ -s "$LOCAL/pgdir" ]; then
    local recorded; recorded="$(cat "$LOCAL/pgdir")"
    if [ -f "$recorded/PG_VERSION" ]; then printf '%s\n' "$recorded"; return; fi
  fi
  local dir
  if as_postgres test -x "$LOCAL" 2>/dev/null; then
    dir="$LOCAL/pg"
  else
    local hash; hash="$(printf '%s' "$REPO" | sha256sum | cut -c1-10)"
    local base="/var/tmp/orthoscan-$hash"
    if [ -e "$base" ] && [ "$(stat -c %u "$base")" != "$(id -u)" ]; then
      die "$base exists but is not owned by $(id -un); refusing to use it"
    fi
    mkdir -p "$base"
    chmod 755 "$base"
    dir="$base/pg"
    log "postgres cannot traverse $LOCAL; using $dir"
  fi
  printf '%s\n' "$dir" >"$LOCAL/pgdir"
  printf '%s\n' "$dir"
}

pgdir_recorded() { [ -s "$LOCAL/pgdir" ] && cat "$LOCAL/pgdir"; }

pg_running() { # $1 = data dir
  [ -f "$1/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

pg_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}

pg_initdb() { # $1 = data dir
  local dir="$1"
  if [ -d "$dir" ] && [ ! -f "$dir/PG_VERSION" ] && [ -n "$(ls -A "$dir")" ]; then
    log "removing half-initialised data dir $dir"
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  # initdb reads the password as postgres, which cannot read .local/secrets: hand it a private copy.
  local pwfile; pwfile="$(mktemp "$(dirname "$dir")/.pw.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -f '$pwfile'" EXIT
  read_secret pg-superuser >"$pwfile"
  chown postgres:postgres "$pwfile"
  chmod 600 "$pwfile"
  local loc; loc="$(pg_locale)"
  log "initdb $dir (locale $loc)"
  as_postgres "$PG_BIN/initdb" -D "$dir" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" \
    --encoding=UTF8 --locale="$loc" >>"$LOGS/initdb.log" 2>&1 \
    || die "initdb failed, see $LOGS/initdb.log"
  rm -f "$pwfile"
  trap - EXIT
}

pg_up() {
  local dir; dir="$(choose_pgdir)"
  [ -f "$dir/PG_VERSION" ] || pg_initdb "$dir"
  if pg_running "$dir"; then
    log "PostgreSQL already running ($dir)"
  else
    port_in_use "$PG_PORT" && die "port $PG_PORT is in use by another process (another checkout's PostgreSQL?)"
    log "starting PostgreSQL on $HOST:$PG_PORT"
    # Log opened by root and inherited, so postgres needs no write access to .local/logs.
    # TCP only: a socket path under a deep checkout can exceed the ~107-char limit.
    # 300 connections: the test suite runs several API hosts at once, each with its own pool, and some tests send
    # 30 requests in parallel; the default 100 can run out, and the API then answers 503 (53300).
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -w -t 30 \
      -o "-p $PG_PORT -c listen_addresses=$HOST -c unix_socket_directories='' -c max_connections=300" \
      start >>"$PG_LOG" 2>&1 </dev/null \
      || die "PostgreSQL did not start, see $PG_LOG"
  fi
  local i
  for i in $(seq 1 30); do
    "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" && return 0
    sleep 1
  done
  die "PostgreSQL not ready on $HOST:$PG_PORT after 30 s, see $PG_LOG"
}

psql_super() {
  PGPASSWORD="$(read_secret pg-superuser)" PGCONNECT_TIMEOUT=10 \
    psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_roles() {
  local owner_pw
  owner_pw="$(read_secret pg-owner)"
  # The password is hex, so it is safe inside an SQL literal; stdin keeps it out of the process list.
  # CREATEROLE like RDS's master user: the migrations create the app and platform roles (never superuser or BYPASSRLS).
  psql_super >/dev/null <<SQL
\\set owner_pw '$owner_pw'
SELECT 'CREATE ROLE $OWNER_ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER_ROLE') \\gexec
ALTER ROLE $OWNER_ROLE WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER NOBYPASSRLS NOREPLICATION PASSWORD :'owner_pw';
SELECT 'CREATE DATABASE $DB_NAME OWNER $OWNER_ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \\gexec
ALTER DATABASE $DB_NAME OWNER TO $OWNER_ROLE;
SQL
}

pg_down() {
  local dir; dir="$(pgdir_recorded || true)"
  if [ -n "$dir" ] && pg_running "$dir"; then
    log "stopping PostgreSQL ($dir)"
    as_postgres "$PG_BIN/pg_ctl" -D "$dir" -w -t 60 stop -m fast >>"$PG_LOG" 2>&1 || die "pg_ctl stop failed, see $PG_LOG"
  else
    log "PostgreSQL not running"
  fi
}

# ---------------------------------------------------------------- Redis
# A pid file may be stale and its pid reused: also check the command line.
pid_alive() { # $1 = pid file, $2 = text the process's command line must contain
  local pid
  [ -s "$1" ] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  case "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" in *"$2"*) return 0 ;; *) return 1 ;; esac
}

redis_ping() { REDISCLI_AUTH="$(read_secret redis)" redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null; }

# Config file rather than --requirepass: keeps the password out of `ps`.
write_redis_conf() {
  local tmp; tmp="$(mktemp "$LOCAL/.redis.conf.XXXXXX")"
  chmod 600 "$tmp"
  cat >"$tmp" <<EOF
bind $HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
dir "$REDIS_DIR"
pidfile "$REDIS_PID"
logfile "$LOGS/redis.log"
save ""
appendonly no
requirepass "$(read_secret redis)"
EOF
  mv "$tmp" "$REDIS_CONF"
}

redis_up() {
  if pid_alive "$REDIS_PID" redis-server; then
    log "Redis already running"
  else
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is in use by another process (another checkout's Redis?)"
    rm -f "$REDIS_PID"
    write_redis_conf
    log "starting Redis on $HOST:$REDIS_PORT"
    redis-server "$REDIS_CONF" </dev/null >/dev/null || die "redis-server failed, see $LOGS/redis.log"
  fi
  local i
  for i in $(seq 1 30); do
    [ "$(redis_ping)" = "PONG" ] && return 0
    sleep 1
  done
  die "Redis does not answer PONG on $HOST:$REDIS_PORT, see $LOGS/redis.log"
}

stop_pid() { # $1 = pid file, $2 = name, $3 = text in its command line
  if pid_alive "$1" "$3"; then
    local pid i; pid="$(tr -dc '0-9' <"$1")"
    log "stopping $2 (pid $pid)"
    # dotnet run starts the app as a child process: stop children too.
    local kids; kids="$(pgrep -P "$pid" || true)"
    kill "$pid" $kids 2>/dev/null || true
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && { log "$2 did not stop, sending KILL"; kill -9 "$pid" 2>/dev/null || true; }
  else
    log "$2 not running"
  fi
  rm -f "$1"
}

# ---------------------------------------------------------------- env file
# Escape for a double-quoted shell string.
dq() { local s="$1"; s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//\$/\\\$}"; s="${s//\`/\\\`}"; printf '%s' "$s"; }

write_env() {
  local tmp; tmp="$(mktemp "$LOCAL/.env.XXXXXX")"
  chmod 600 "$tmp"
  {
    echo "# Generated by scripts/services.sh; do not edit or commit."
    printf 'export ConnectionStrings__Owner="%s"\n' \
      "$(dq "Host=$HOST;Port=$PG_PORT;Database=$DB_NAME;Username=$OWNER_ROLE;Password=$(read_secret pg-owner)")"
    printf 'export ConnectionStrings__App="%s"\n' \
      "$(dq "Host=$HOST;Port=$PG_PORT;Database=$DB_NAME;Username=$APP_ROLE;Password=$(read_secret pg-app)")"
    printf 'export OrthoScan__Database__AppRolePassword="%s"\n' "$(read_secret pg-app)"
    printf 'export ConnectionStrings__Redis="%s"\n' \
      "$(dq "$HOST:$REDIS_PORT,password=$(read_secret redis),abortConnect=false")"
    printf 'export OrthoScan__Secrets__MasterKey="%s"\n' "$(dq "$(read_secret master-key)")"
    printf 'export OrthoScan__Auth__SigningKeyPath="%s"\n' "$(dq "$SECRETS/jwt-signing.pem")"
    printf 'export OrthoScan__Storage__LocalRoot="%s"\n' "$(dq "$LOCAL/blobs")"
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- commands
cmd_up() {
  ensure_packages
  umask 022
  ensure_dirs
  ensure_secret pg-superuser hex
  ensure_secret pg-owner hex
  ensure_secret pg-app hex
  ensure_secret redis hex
  ensure_secret master-key b64-32
  pg_up
  pg_roles
  redis_up
  write_env
  log "up: PostgreSQL $HOST:$PG_PORT, Redis $HOST:$REDIS_PORT, env in $ENV_FILE"
}

cmd_down() {
  stop_pid "$API_PID" API OrthoScan.Api
  stop_pid "$REDIS_PID" Redis redis-server
  if [ -x "$PG_BIN/pg_ctl" ]; then pg_down; fi
}

cmd_status() {
  local dir; dir="$(pgdir_recorded || true)"
  if [ -n "$dir" ] && [ -x "$PG_BIN/pg_ctl" ] && pg_running "$dir"; then
    echo "postgresql: running on $HOST:$PG_PORT (pid $(head -1 "$dir/postmaster.pid"), data $dir)"
  else
    echo "postgresql: stopped${dir:+ (data $dir)}"
  fi
  if pid_alive "$REDIS_PID" redis-server; then
    echo "redis:      running on $HOST:$REDIS_PORT (pid $(cat "$REDIS_PID"))"
  else
    echo "redis:      stopped"
  fi
  if pid_alive "$API_PID" OrthoScan.Api; then
    echo "api:        running (pid $(cat "$API_PID"))"
  else
    echo "api:        stopped"
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "$ENV_FILE" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
