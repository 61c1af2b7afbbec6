#!/usr/bin/env bash
# with-postgres.sh CMD [ARGS...] — runs CMD against a throwaway PostgreSQL 15 cluster.
#
# Creates a temp dir, initdb's a cluster in it (as Debian's `postgres` user when run as
# root, else as the current user), starts it with pg_ctl on 127.0.0.1 and a random free
# port (its unix socket in the temp dir too), creates the database ordo_test, exports
#   ORDO_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/ordo_test
# runs CMD, then stops the cluster and removes the dir, whatever happened. Exits with
# CMD's exit code (or 1 when the cluster did not come up).
#
# The cluster is durable as a real one is (fsync, synchronous_commit and full_page_writes
# keep their defaults); only initdb skips its own fsync (the files are thrown away
# anyway). Authentication is `trust`: it listens on loopback only and lives for one run.
# Its locale is C, so text sorts and ILIKE folds case as SQLite does (byte order, ASCII).
# Tests create more databases in it (test/support/pg_cluster.h), one per server.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: no PostgreSQL 15 binaries in $PGBIN (apt-get install postgresql-15)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ordo-pg-XXXXXX")
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root.
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
      "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "${as_owner[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi

# A random port; another process may hold it, so try a few.
port=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  candidate=$((20000 + RANDOM % 40000))
  if "${as_owner[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-c port=$candidate -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir \
        -c max_connections=300 -c shared_buffers=64MB" start >/dev/null 2>&1; then
    port=$candidate
    started=1
    break
  fi
done
if [ "$port" -eq 0 ]; then
  echo "with-postgres: the cluster did not start:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

# If this script is killed outright (SIGKILL, e.g. by a ctest timeout), its trap never
# runs and the postmaster, which pg_ctl detached, would live on: a watchdog in a session
# of its own stops the cluster and removes the dir once this script is gone.
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done
  if [ -d "$2/data" ]; then
    '"${as_owner[*]}"' "$3/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$2"
  fi' watchdog "$$" "$dir" "$PGBIN" </dev/null >/dev/null 2>&1 &

psql=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
# Scenario files check the database with SQL written for SQLite; group_concat is the one
# function they use that PostgreSQL lacks. Defined in template1, so that every database
# the tests create has it too.
"${psql[@]}" -d template1 >/dev/null <<'SQL'
CREATE FUNCTION group_concat_step(acc text, value text) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value
                    ELSE acc || ',' || value END $$;
CREATE AGGREGATE group_concat(text) (SFUNC = group_concat_step, STYPE = text);
SQL
"${psql[@]}" -d postgres -c "CREATE DATABASE ordo_test" >/dev/null

export ORDO_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/ordo_test"
set +e
"$@"
code=$?
set -e
exit "$code"
