#!/usr/bin/env bash
# bench/compare.sh BASE HEAD — two commits side by side, on one machine in one run: builds
# each in a temporary git worktree (Release, ccache), then runs, alternately (BASE HEAD,
# HEAD BASE, ...), the SQLite order intake over HTTP (64 connections, 5-line orders
# created and submitted) and the 1,000-line order (one connection), each run on a fresh
# database and server; with --pg also the PostgreSQL intake (one server, a fresh database
# of one throwaway cluster per run). Prints every run and the medians, HEAD against BASE.
#
#   bench/compare.sh [--rounds 3] [--duration 20] [--big 10] [--pg] [--work DIR] BASE HEAD
#
# The load generator of HEAD drives both servers, so only the server differs. Alternating
# spreads a machine that gets busier or quieter over both; on a shared machine, run more
# rounds. The temporary worktrees and databases are removed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3
DURATION=20
WARMUP=5
BIG=10
PG=0
WORK=""
PG_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --big) BIG=$2; shift 2 ;;
    --pg) PG=1; shift ;;
    --work) WORK=$2; shift 2 ;;
    --pg-only) PG_ONLY=1; shift ;;  # internal: the PostgreSQL runs, inside with-postgres.sh
    -*) echo "usage: $0 [--rounds N] [--duration S] [--big N] [--pg] [--work DIR] BASE HEAD" >&2
        exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--rounds N] [--duration S] [--big N] [--pg] BASE HEAD" >&2; exit 2; }
export ORDO_ADMIN_PASSWORD=bench-admin-pass
export ORDO_LOG_LEVEL=${ORDO_LOG_LEVEL:-info}
log() { printf '%s compare: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- one server, one run ----

# start_server BIN URL LOG: sets SERVER_PID and SERVER_ADDR.
start_server() {
  "$1" serve --db "$2" --listen 127.0.0.1:0 >"$3" 2>&1 &
  SERVER_PID=$!
  SERVER_ADDR=""
  for _ in $(seq 1 600); do
    SERVER_ADDR=$(sed -n 's/.*ordo: listening on //p' "$3" | head -1)
    [ -n "$SERVER_ADDR" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "compare: the server did not start:" >&2
  cat "$3" >&2
  exit 1
}

stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# intake SIDE ROUND KIND URL DIR: starts SIDE's server on URL, seeds it and runs the
# intake (64 connections, 5-line orders created and submitted); the server stays up.
intake() {
  start_server "$WORK/$1/build/ordo" "$4" "$5/server.log"
  "$TOOLS/ordo_bench_seed" --server "$SERVER_ADDR" --password "$ORDO_ADMIN_PASSWORD" \
    --out "$5/catalog.json" >"$5/seed.log" 2>&1 || { cat "$5/seed.log" >&2; exit 1; }
  "$TOOLS/ordo_bench_load" --server "$SERVER_ADDR" --catalog "$5/catalog.json" \
    --connections 64 --warmup "$WARMUP" --duration "$DURATION" \
    --name "intake_$3 $1 $2" --out "$RESULTS" >/dev/null
}

# run_sqlite SIDE ROUND: intake and the 1,000-line order on a fresh SQLite database.
run_sqlite() {
  local side=$1 round=$2 d=$WORK/run-sqlite-$1-$2
  mkdir -p "$d"
  intake "$side" "$round" sqlite "sqlite:$d/ordo.db" "$d"
  "$TOOLS/ordo_bench_load" --server "$SERVER_ADDR" --catalog "$d/catalog.json" --connections 1 \
    --lines 1000 --warmup-requests 3 --requests "$BIG" \
    --name "big_order_sqlite $side $round" --out "$RESULTS" >/dev/null
  stop_server "$SERVER_PID"
  rm -rf "$d"
}

# run_pg SIDE ROUND: intake on a fresh database of the cluster (ORDO_TEST_PG_URL).
run_pg() {
  local side=$1 round=$2 d=$WORK/run-pg-$1-$2 db=compare_$1_$2 url
  mkdir -p "$d"
  /usr/lib/postgresql/15/bin/psql -X -q "$ORDO_TEST_PG_URL" -c "CREATE DATABASE $db" >/dev/null
  url=${ORDO_TEST_PG_URL%/*}/$db
  intake "$side" "$round" pg "$url" "$d"
  stop_server "$SERVER_PID"
  rm -rf "$d"
}

# each_round FN: FN SIDE ROUND for every round, the order of the sides alternating.
each_round() {
  local r
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then
      "$1" base "$r"
      "$1" head "$r"
    else
      "$1" head "$r"
      "$1" base "$r"
    fi
    log "$1: round $r of $ROUNDS done"
  done
}

if [ "$PG_ONLY" = 1 ]; then
  RESULTS=$WORK/results.jsonl
  TOOLS=$WORK/head/build/bench
  each_round run_pg
  exit 0
fi

# ---- build both ----

BASE_REV=$(git -C "$ROOT" rev-parse --verify "$1^{commit}")
HEAD_REV=$(git -C "$ROOT" rev-parse --verify "$2^{commit}")
if [ -z "$WORK" ]; then
  # Under the worktree's build/ by default: ccache rewrites paths below its base_dir, so
  # builds there reuse what was compiled before.
  mkdir -p "$ROOT/build"
  WORK=$(mktemp -d "$ROOT/build/compare.XXXXXX")
fi
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cleanup() {
  for side in base head; do
    [ -d "$WORK/$side" ] && git -C "$ROOT" worktree remove --force "$WORK/$side" 2>/dev/null
  done
  git -C "$ROOT" worktree prune 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for side in base head; do
  rev=$BASE_REV
  [ "$side" = head ] && rev=$HEAD_REV
  log "$side: $(git -C "$ROOT" log -1 --format='%h %s' "$rev")"
  git -C "$ROOT" worktree add --detach --quiet "$WORK/$side" "$rev"
  cmake -S "$WORK/$side" -B "$WORK/$side/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$WORK/$side/build" -j "$(nproc)" \
    --target ordo ordo_bench_seed ordo_bench_load >/dev/null
done
TOOLS=$WORK/head/build/bench
RESULTS=$WORK/results.jsonl
: >"$RESULTS"

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
each_round run_sqlite
if [ "$PG" = 1 ]; then
  "$ROOT/scripts/with-postgres.sh" "$0" --pg-only --work "$WORK" --rounds "$ROUNDS" \
    --duration "$DURATION" "$1" "$2"
fi
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$RESULTS" "$(git -C "$ROOT" log -1 --format='%h %s' "$BASE_REV")" \
  "$(git -C "$ROOT" log -1 --format='%h %s' "$HEAD_REV")" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(f"base: {sys.argv[2]}\nhead: {sys.argv[3]}\n")
print(f"{'benchmark':<18} {'side':<5} {'round':>5} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
by = {}
for r in runs:
    bench, side, rnd = r["bench"].split() if " " in r["bench"] else (r.get("name", "?"), "?", "?")
    lat = r["latency"]
    print(f"{bench:<18} {side:<5} {rnd:>5} {r['orders_per_s']:>9.1f} "
          f"{lat['p50_us'] / 1000:>8.1f} {lat['p99_us'] / 1000:>8.1f}")
    by.setdefault(bench, {}).setdefault(side, []).append(r)
print()
for bench, sides in by.items():
    if "base" not in sides or "head" not in sides:
        continue
    if bench.startswith("big_order"):
        b = statistics.median(x["latency"]["p50_us"] / 1000 for x in sides["base"])
        h = statistics.median(x["latency"]["p50_us"] / 1000 for x in sides["head"])
        print(f"{bench}: median of the runs' median latency: base {b:.1f} ms, head {h:.1f} ms "
              f"({(h / b - 1) * 100:+.1f} %)")
    else:
        b = statistics.median(x["orders_per_s"] for x in sides["base"])
        h = statistics.median(x["orders_per_s"] for x in sides["head"])
        print(f"{bench}: median orders/s: base {b:.0f}, head {h:.0f} ({(h / b - 1) * 100:+.1f} %)")
PY
