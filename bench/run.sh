#!/usr/bin/env bash
# bench/run.sh — the benchmark harness behind `make bench`. Runs every measurement of
# issue 3 on a Release build and writes bench/RESULTS.md (via ordo_bench_report):
#
#   machine      cores, CPU model, memory, kernel, the data directory's file system,
#                and its fsync latency (ordo_bench_fsync, before and after the run)
#   sqlite       order intake over HTTP (ordo_bench_load, 64 connections), the storage
#                limit without HTTP (ordo_bench_raw), a 1,000-line order, the bulk load to
#                1,000,000 orders (ordo_bench_bulk), start-up time on that database, reads
#                (ordo_bench_reads), peak RSS, and intake again on the full database
#   postgresql   intake with one and with two servers on one database, and the storage
#                limit — run inside scripts/with-postgres.sh when it is there
#
#   bench/run.sh [--build DIR] [--quick] [--out FILE] [--work DIR] [--no-pg]
#
# Every program prints one JSON line per figure, with its exact command line; they are
# collected in WORK/results.jsonl. --quick shortens every phase (and loads 200,000 orders
# instead of 1,000,000) to check the harness; its figures are not the benchmark's.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
OUT=$ROOT/bench/RESULTS.md
WORK=""
QUICK=0
PG=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$(cd "$2" && pwd); shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --no-pg) PG=0; shift ;;
    --pg-only) PG=2; shift ;;  # internal: the PostgreSQL part, inside with-postgres.sh
    *) echo "usage: $0 [--build DIR] [--quick] [--out FILE] [--work DIR] [--no-pg]" >&2; exit 2 ;;
  esac
done

ORDO=$BUILD/ordo
BIN=$BUILD/bench
for b in "$ORDO" "$BIN/ordo_bench_load" "$BIN/ordo_bench_report"; do
  [ -x "$b" ] || { echo "bench: $b is missing (build first: make bench)" >&2; exit 1; }
done

if [ "$QUICK" = 1 ]; then
  WARMUP=2; DURATION=5; READ_SECONDS=3; ORDERS=200000; BIG_REQUESTS=5; LATE_DURATION=3
else
  WARMUP=5; DURATION=30; READ_SECONDS=10; ORDERS=1000000; BIG_REQUESTS=20; LATE_DURATION=10
fi
export ORDO_ADMIN_PASSWORD=bench-admin-pass
export ORDO_LOG_LEVEL=${ORDO_LOG_LEVEL:-info}  # the access log stays on, as in production

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/ordo-bench-XXXXXX")
  [ "$PG" = 2 ] || trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
RESULTS=$WORK/results.jsonl
log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- servers ----

# start_server NAME DB_URL: starts `ordo serve` on a free port; sets SERVER_PID,
# SERVER_ADDR and STARTUP_MS (exec to the "listening" line).
start_server() {
  local name=$1 url=$2 fifo=$WORK/$1.fifo line t0 t1
  rm -f "$fifo"
  mkfifo "$fifo"
  t0=$EPOCHREALTIME
  "$ORDO" serve --db "$url" --listen 127.0.0.1:0 >"$fifo" 2>&1 &
  SERVER_PID=$!
  exec 3<"$fifo"
  SERVER_ADDR=""
  while IFS= read -r -t 120 line <&3; do
    printf '%s\n' "$line" >>"$WORK/$name.log"
    if [[ $line == *"ordo: listening on "* ]]; then
      t1=$EPOCHREALTIME
      SERVER_ADDR=${line##*listening on }
      break
    fi
  done
  if [ -z "$SERVER_ADDR" ]; then
    exec 3<&-
    echo "bench: $name did not start:" >&2
    cat "$WORK/$name.log" >&2
    exit 1
  fi
  # Keep draining its output (the access log) into the log file.
  cat <&3 >>"$WORK/$name.log" &
  exec 3<&-
  STARTUP_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
  log "$name: pid $SERVER_PID on $SERVER_ADDR, up in $STARTUP_MS ms"
}

stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# cpu_seconds PID: user + system CPU time of a process so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# note NAME JSON: appends a figure measured by this script.
note() { printf '{"bench":"%s",%s}\n' "$1" "$2" >>"$RESULTS"; }

machine() {
  local fs
  fs=$(findmnt -n -o FSTYPE,SOURCE,OPTIONS -T "$WORK" 2>/dev/null | head -1 || echo unknown)
  {
    echo "cores: $(nproc)"
    echo "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
    echo "memory: $(free -m | awk '/^Mem:/ { print $2 " MiB" }')"
    echo "kernel: $(uname -sr)"
    echo "data file system: $fs"
    echo "sqlite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')"
    echo "postgresql: $( (/usr/lib/postgresql/15/bin/postgres --version || true) 2>/dev/null | head -1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
      git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
  } >"$WORK/machine.txt"
}

# ---- SQLite ----

sqlite_part() {
  local d=$WORK/sqlite url pid before after
  mkdir -p "$d"
  url=sqlite:$d/intake.db

  if [ -x "$BIN/ordo_bench_micro" ]; then
    # The order answer written as text must be the JSON tree's bytes (and nothing else
    # is worth measuring if it is not).
    "$BIN/ordo_bench_micro" --benchmark_filter=NONE >/dev/null
  fi
  log "fsync probe"
  "$BIN/ordo_bench_fsync" --dir "$d" --count 2000 --out "$RESULTS" >/dev/null

  log "sqlite: order intake over HTTP, 64 connections"
  start_server sqlite "$url"
  pid=$SERVER_PID
  "$BIN/ordo_bench_seed" --server "$SERVER_ADDR" --password "$ORDO_ADMIN_PASSWORD" \
    --out "$d/catalog.json"
  before=$(cpu_seconds "$pid")
  "$BIN/ordo_bench_load" --server "$SERVER_ADDR" --catalog "$d/catalog.json" --connections 64 \
    --warmup "$WARMUP" --duration "$DURATION" --name intake_sqlite --out "$RESULTS" >/dev/null
  after=$(cpu_seconds "$pid")
  note intake_sqlite_server_cpu "\"cpu_s\":$(awk -v a="$before" -v b="$after" \
    'BEGIN { print b - a }'),\"seconds\":$((WARMUP + DURATION)),\"command\":\"/proc/$pid/stat utime+stime over warm-up and window\""

  log "sqlite: one order of 1,000 lines, create and submit"
  "$BIN/ordo_bench_load" --server "$SERVER_ADDR" --catalog "$d/catalog.json" --connections 1 \
    --lines 1000 --warmup-requests 3 --requests "$BIG_REQUESTS" --name big_order_sqlite \
    --out "$RESULTS" >/dev/null
  stop_server "$pid"

  log "sqlite: the storage limit (no HTTP), 64 threads"
  "$BIN/ordo_bench_raw" --db "sqlite:$d/raw.db" --threads 64 --warmup "$WARMUP" \
    --duration "$DURATION" --name raw_intake_sqlite --out "$RESULTS" >/dev/null

  # The big database starts from its own seed: the intake's orders all fall on one day,
  # which no real year of orders looks like.
  log "sqlite: bulk load to $ORDERS orders"
  url=sqlite:$d/ordo.db
  start_server sqlite_seed "$url"
  "$BIN/ordo_bench_seed" --server "$SERVER_ADDR" --password "$ORDO_ADMIN_PASSWORD" \
    --out "$d/catalog.json"
  stop_server "$SERVER_PID"
  "$BIN/ordo_bench_bulk" --db "$url" --until "$ORDERS" --batch 10000 --out "$RESULTS" >/dev/null

  log "sqlite: start-up, reads and peak RSS at $ORDERS orders"
  start_server sqlite_big "$url"
  pid=$SERVER_PID
  note startup_sqlite "\"orders\":$ORDERS,\"startup_ms\":$STARTUP_MS,\"command\":\"ordo serve --db $url --listen 127.0.0.1:0 (exec to its listening line)\""
  "$BIN/ordo_bench_reads" --server "$SERVER_ADDR" --catalog "$d/catalog.json" --connections 4 \
    --duration "$READ_SECONDS" --out "$RESULTS" >/dev/null
  note rss_sqlite "\"orders\":$ORDERS,\"vm_hwm_kb\":$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status"),\"vm_rss_kb\":$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"),\"command\":\"grep -E 'VmHWM|VmRSS' /proc/$pid/status (after the reads)\""

  log "sqlite: intake again, on the full database"
  "$BIN/ordo_bench_load" --server "$SERVER_ADDR" --catalog "$d/catalog.json" --connections 64 \
    --warmup "$WARMUP" --duration "$LATE_DURATION" --name intake_sqlite_full_db \
    --out "$RESULTS" >/dev/null
  note rss_sqlite_after_intake "\"vm_hwm_kb\":$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status"),\"command\":\"grep VmHWM /proc/$pid/status (after the reads and the second intake)\""
  stop_server "$pid"
  note db_size_sqlite "\"bytes\":$(stat -c %s "$d/ordo.db"),\"command\":\"stat -c %s $d/ordo.db\""
  rm -rf "$d"
}

# ---- PostgreSQL (inside scripts/with-postgres.sh: ORDO_TEST_PG_URL) ----

pg_part() {
  local url=$ORDO_TEST_PG_URL d=$WORK/pg pid pid2 addr
  mkdir -p "$d"
  log "postgresql: order intake over HTTP, one server, 64 connections"
  start_server pg1 "$url"
  pid=$SERVER_PID
  addr=$SERVER_ADDR
  "$BIN/ordo_bench_seed" --server "$addr" --password "$ORDO_ADMIN_PASSWORD" --out "$d/catalog.json"
  "$BIN/ordo_bench_load" --server "$addr" --catalog "$d/catalog.json" --connections 64 \
    --warmup "$WARMUP" --duration "$DURATION" --name intake_pg_1 --out "$RESULTS" >/dev/null

  log "postgresql: two servers on one database, 32 connections each"
  start_server pg2 "$url"
  pid2=$SERVER_PID
  "$BIN/ordo_bench_load" --server "$addr,$SERVER_ADDR" --catalog "$d/catalog.json" \
    --connections 64 --warmup "$WARMUP" --duration "$DURATION" --name intake_pg_2 \
    --out "$RESULTS" >/dev/null
  stop_server "$pid2"
  stop_server "$pid"

  log "postgresql: the storage limit (no HTTP), 64 threads"
  "$BIN/ordo_bench_raw" --db "$url" --threads 64 --warmup "$WARMUP" --duration "$DURATION" \
    --name raw_intake_pg --out "$RESULTS" >/dev/null
  local ps=(/usr/lib/postgresql/15/bin/psql -X -qAt "$url")
  note pg_settings "\"settings\":\"$("${ps[@]}" -c "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('synchronous_commit','fsync','wal_sync_method','shared_buffers','max_connections','full_page_writes')")\",\"command\":\"psql -c \\\"SELECT name, setting FROM pg_settings WHERE ...\\\"\""
}

if [ "$PG" = 2 ]; then
  pg_part
  exit 0
fi

machine
: >"$RESULTS"
sqlite_part
if [ "$PG" = 1 ] && [ -x "$ROOT/scripts/with-postgres.sh" ]; then
  pg_args=(--pg-only --build "$BUILD" --work "$WORK")
  [ "$QUICK" = 1 ] && pg_args+=(--quick)
  if ! "$ROOT/scripts/with-postgres.sh" "$0" "${pg_args[@]}"; then
    log "postgresql part failed; RESULTS.md will say so"
    note pg_failed "\"command\":\"scripts/with-postgres.sh bench/run.sh --pg-only\""
  fi
fi
"$BIN/ordo_bench_fsync" --dir "$WORK" --count 2000 --out "$RESULTS" >/dev/null
mode=full
[ "$QUICK" = 1 ] && mode=quick
"$BIN/ordo_bench_report" --results "$RESULTS" --machine "$WORK/machine.txt" --mode "$mode" \
  --notes "$ROOT/bench/NOTES.md" --out "$OUT"
log "wrote $OUT"
