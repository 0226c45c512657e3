#!/usr/bin/env bash
# bench/api.sh — alert API latency under wrk at a paced rate, on SQLite and PostgreSQL.
#
#   bench/api.sh                          10,000 organisations, 1,000,000 alerts, 200 req/s,
#                                         30 s per request type, both engines
#   ORGS=1000 ALERTS=100000 DURATION=5s bench/api.sh     a smoke run
#   ENGINES=postgres bench/api.sh         one engine
#
# Seeds the sector once per size with bench/seedsector (kept under $OUT and in a
# PostgreSQL schema named after the size, reused by later runs; FRESH=1 reseeds), starts
# `vigil serve`, then runs bench/wrk/alerts.lua for each request type and a weighted mix,
# each paced to RATE requests a second, and prints p50/p90/p99 per engine. Target: p99
# < 50 ms at 200 req/s. PostgreSQL: VIGIL_BENCH_POSTGRES (default the local test
# database, trust auth). Not part of CI: it takes minutes and the machine's two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-10000}
ALERTS=${ALERTS:-1000000}
RATE=${RATE:-200}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
ENGINES=${ENGINES:-sqlite postgres}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
MODES=${MODES:-first critical org mine next get mix}
export GOTOOLCHAIN=local
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
go build -o "$OUT/vigil" ./cmd/vigil
go build -o "$OUT/seedsector" ./bench/seedsector

. bench/server.sh
. bench/seed.sh
trap stop_server EXIT

# first_cursor prints the next_cursor of the analyst's first page.
first_cursor() {
  curl -sf -H "Authorization: Bearer $ANALYST_TOKEN" "$URL/api/v1/alerts" |
    sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p'
}

run_wrk() { # MODE DURATION
  MODE=$1 RATE=$RATE THREADS=$THREADS VIGIL_TOKEN=$ANALYST_TOKEN ORG_TOKEN=$ORG_ADMIN_TOKEN \
    ORGS_FILE=$DATA/orgs.txt MAX_ALERT_ID=$MAX_ALERT_ID CURSOR=$CURSOR \
    wrk -t"$THREADS" -c"$CONNS" -d"$2" -s bench/wrk/alerts.lua "$URL" | grep '^RESULT' || echo "RESULT mode=$1 wrk failed"
}

RESULTS=$OUT/api-results.txt
: > "$RESULTS"
for engine in $ENGINES; do
  seed "$engine"
  start_server "$OUT/serve-api-$engine.log" "${DBFLAGS[@]}"
  CURSOR=$(first_cursor)
  [ -n "$CURSOR" ] || { echo "GET /api/v1/alerts gave no next_cursor: is the store seeded?" >&2; exit 1; }
  echo "$engine: vigil serve at $URL; warming up for 10 s"
  run_wrk mix 10s >/dev/null
  for mode in $MODES; do
    line=$(run_wrk "$mode" "$DURATION")
    # The 1-minute load average: other work on the machine shows up in the tail latency.
    echo "$engine $line load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS"
  done
  stop_server
done

echo
echo "alert API at $RATE req/s, $ORGS organisations, $ALERTS alerts, $DURATION per row, $(nproc) cores shared by vigil and wrk"
awk '{
  e = $1; m = $3; sub("mode=", "", m)
  for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  p99 = v["p99"]; sub("ms", "", p99)
  printf "%-9s %-9s %9s %9s %9s %9s %7s %5s  %s\n", e, m, v["rate"], v["p50"], v["p90"], v["p99"], v["failed"], v["load"], (p99 + 0 < 50 && v["failed"] == 0) ? "ok" : "MISSED (p99 < 50 ms)"
}' "$RESULTS" | sort -s -k1,1 | { printf "%-9s %-9s %9s %9s %9s %9s %7s %5s\n" engine request rate p50 p90 p99 failed load; cat; }
