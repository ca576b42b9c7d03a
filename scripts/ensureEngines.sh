#!/usr/bin/env bash
# The storage and cluster tests start their own throwaway PostgreSQL and Redis servers from
# Debian's packages (they never use a system service the packages may set up).
set -euo pipefail

have_postgres() {
  for bin in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$bin" ] && return 0
  done
  [ -n "${POSTGRES_BIN:-}" ] && [ -x "$POSTGRES_BIN/initdb" ]
}
have_redis() {
  command -v redis-server >/dev/null 2>&1
}

if have_postgres && have_redis; then exit 0; fi

missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian's packages for the storage and cluster tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The storage and cluster tests need PostgreSQL's server binaries (initdb) and redis-server: run 'sudo apt-get install -y ${missing[*]}' (or set POSTGRES_BIN to the folder holding initdb)." >&2
exit 1
