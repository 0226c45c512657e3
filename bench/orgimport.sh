#!/usr/bin/env bash
# bench/orgimport.sh — `vigil org import` of ORGS organisations (each with an IP range and
# a domain) into a fresh database, timed: organisations/s.
#
#   bench/orgimport.sh                 10,000 organisations into PostgreSQL
#   ENGINE=sqlite bench/orgimport.sh   the same into a fresh SQLite file
#   ORGS=2000 VIGIL=/tmp/vigil-old bench/orgimport.sh   another build (a before figure)
#
# PostgreSQL: VIGIL_BENCH_POSTGRES (default the local test database), in a schema created
# and dropped here. VIGIL names a vigil binary to time instead of building this tree.
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-10000}
ENGINE=${ENGINE:-postgres}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=vigil_bench_orgimport
DB="$PG&search_path=$SCHEMA"
export GOTOOLCHAIN=local
export VIGIL_SECRET=${VIGIL_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
mkdir -p "$OUT"
VIGIL=${VIGIL:-}
if [ -z "$VIGIL" ]; then
  go build -o "$OUT/vigil" ./cmd/vigil
  VIGIL=$OUT/vigil
fi
if [ "$ENGINE" = sqlite ]; then
  DB=sqlite:$OUT/orgimport.db
  rm -f "$OUT"/orgimport.db*
else
  trap 'psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" 2>/dev/null || true' EXIT
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" 2>/dev/null
fi
CSV=$OUT/orgs-$ORGS.csv
awk -v n="$ORGS" 'BEGIN {
  print "ods_code,name,kind,ip_ranges,domains"
  for (i = 0; i < n; i++)
    printf "Q%06d,Practice %d,gp,25.%d.%d.0/28,practice-%d.example\n", i, i, int(i / 256), i % 256, i
}' > "$CSV"
"$VIGIL" migrate --db "$DB" --data-dir "$OUT" >/dev/null
t0=$(date +%s.%N)
"$VIGIL" org import --db "$DB" --data-dir "$OUT" "$CSV" > "$OUT/orgimport.out"
t1=$(date +%s.%N)
tail -3 "$OUT/orgimport.out"
awk -v n="$ORGS" -v a="$t0" -v b="$t1" 'BEGIN { printf "org import ('"$ENGINE"'): %d organisations in %.2f s, %.0f/s; %d cores, load %s\n", n, b - a, n / (b - a), '"$(nproc)"', "'"$(cut -d' ' -f1 /proc/loadavg)"'" }'
