#!/usr/bin/env bash
# A throwaway PostgreSQL server for the PostgreSQL ledger's tests (issue 17), as CI needs one on a fresh
# machine: `start` makes a cluster in a new temporary directory (initdb, trust on a Unix socket only — no
# TCP port is opened), as an unprivileged user (`nobody` when run as root: PostgreSQL refuses root), starts
# it, and prints the two lines to eval:
#   export RECOUP_TEST_PG='postgresql:///postgres?host=<dir>&user=recoup'
#   export RECOUP_TEST_PG_DIR='<dir>'
# `stop <dir>` stops it and removes the directory. Exits non-zero (printing why on stderr) when PostgreSQL's
# server programs are not installed or the server does not start.
set -uo pipefail

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case "${1:-}" in
  have)
    bindir >/dev/null
    ;;
  start)
    bin=$(bindir) || { echo "pg-test-server: PostgreSQL's server programs (initdb, pg_ctl) are not installed" >&2; exit 1; }
    dir=$(mktemp -d -t recoup-pg-XXXXXX)
    chmod 0755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown nobody "$dir"; fi
    if ! as_owner "$bin/initdb" -D "$dir/data" -A trust -U recoup -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
      echo "pg-test-server: initdb failed:" >&2; tail -n 5 "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1
    fi
    # a socket in the directory, no TCP; fsync off: a test server, thrown away after
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" -o "-k $dir -c listen_addresses= -F -c max_connections=60" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
      echo "pg-test-server: the server did not start:" >&2; tail -n 5 "$dir/server.log" >&2; rm -rf "$dir"; exit 1
    fi
    echo "export RECOUP_TEST_PG='postgresql:///postgres?host=$dir&user=recoup'"
    echo "export RECOUP_TEST_PG_DIR='$dir'"
    ;;
  stop)
    dir=${2:?usage: pg-test-server.sh stop <dir>}
    bin=$(bindir) || exit 0
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-test-server.sh have | start | stop <dir>" >&2
    exit 2
    ;;
esac
