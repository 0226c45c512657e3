#!/usr/bin/env bash
# bench/ingest.sh — end-to-end ingest through `vigil serve`, on SQLite and PostgreSQL.
#
#   bench/ingest.sh                       a smoke run: 1,000 organisations, 100,000
#                                         indicators, 64 MB of telemetry, 100,000 events
#   ORGS=10000 N=1000000 MB=512 EVENTS=1000000 bench/ingest.sh     the full run
#   ENGINES=sqlite CLIENTS=2 bench/ingest.sh
#
# For each engine: a fresh store with ORGS organisations (bench/seedsector), an analyst
# and a sensor token made with the CLI (vigil user add, vigil token create), then through
# the HTTP API:
#   1. POST /api/v1/intel       N indicators (bench/benchdata's list, as bench/hunt.sh)
#   2. POST /api/v1/telemetry   MB of NDJSON built from shared/data/telemetry, split over
#                               CLIENTS concurrent curl uploads, plain then gzip (MB/s
#                               counts the NDJSON bytes; "wire" the bytes sent)
#   3. POST /api/v1/events      EVENTS threat events for the seeded organisations, split
#                               over CLIENTS concurrent uploads (events/s)
# and prints a table for both engines. Refused uploads (429) are retried after a second
# and counted. Not part of CI. PostgreSQL: VIGIL_BENCH_POSTGRES (default the local test
# database), in a schema created and dropped here.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-1000}
N=${N:-100000}
MB=${MB:-64}
EVENTS=${EVENTS:-100000}
CLIENTS=${CLIENTS:-4}
ENGINES=${ENGINES:-sqlite postgres}
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=vigil_bench_ingest
export GOTOOLCHAIN=local
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

go build -o "$OUT/vigil" ./cmd/vigil
go build -o "$OUT/seedsector" ./bench/seedsector

# Inputs, built once per size and reused.
IOCS=$OUT/iocs-$N.txt
TEL=$OUT/telemetry-$MB.ndjson
EVT=$OUT/events-$ORGS-$EVENTS.ndjson
if [ ! -s "$IOCS" ] || [ ! -s "$TEL" ]; then
  go run ./bench/benchdata -data "$DATA" -n "$N" -iocs "$IOCS" -mb "$MB" -telemetry "$TEL"
fi
[ -s "$EVT" ] || "$OUT/seedsector" -orgs "$ORGS" -events "$EVENTS" -events-out "$EVT"

# split_parts FILE PREFIX: CLIENTS line-aligned parts, plain and gzip.
split_parts() {
  rm -f "$2".*
  split -n "l/$CLIENTS" -d "$1" "$2."
  for p in "$2".[0-9]*; do gzip -c "$p" > "$p.gz"; done
}
split_parts "$TEL" "$OUT/tel-part"
split_parts "$EVT" "$OUT/evt-part"

. bench/server.sh
cleanup() {
  stop_server
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" 2>/dev/null || true
}
trap cleanup EXIT

# post PATH TOKEN FILE RESP [curl args...] streams FILE to the API, retrying 429s;
# leaves the status in RESP.code and counts retries in RESP.busy.
post() {
  local path=$1 tok=$2 file=$3 resp=$4 code; shift 4
  : > "$resp.busy"
  for _ in $(seq 120); do
    code=$(curl -s -o "$resp" -w '%{http_code}' -X POST -T "$file" -H 'Expect:' \
      -H "Authorization: Bearer $tok" "$@" "$URL$path") || code=000
    [ "$code" = 429 ] || break
    echo 429 >> "$resp.busy"
    sleep 1
  done
  echo "$code" > "$resp.code"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# upload_all PATH TOKEN SUFFIX [curl args...]: every part at once, one client each;
# sets SECS, CODES (distinct statuses) and BUSY (429 retries).
upload_all() {
  local path=$1 tok=$2 suffix=$3 prefix=$OUT/tel-part; shift 3
  [ "$path" = /api/v1/events ] && prefix=$OUT/evt-part
  local t0 pids=() p
  t0=$(now)
  for p in "$prefix".[0-9][0-9]; do
    post "$path" "$tok" "$p$suffix" "$p$suffix.resp" "$@" &
    pids+=($!)
  done
  wait "${pids[@]}"
  SECS=$(since "$t0")
  CODES=$(cat "$prefix".[0-9][0-9]"$suffix".resp.code | sort -u | tr '\n' ' ')
  BUSY=$(cat "$prefix".[0-9][0-9]"$suffix".resp.busy | wc -l)
  SIGHTINGS=$(cat "$prefix".[0-9][0-9]"$suffix".resp | { grep -o '"sightings":[0-9]*' || true; } | awk -F: '{ n += $2 } END { print n + 0 }')
  # A rate over uploads that failed part-way means nothing: flag it.
  [ "$CODES" = "200 " ] || CODES="$CODES(FAILED: see $OUT/serve-*.log)"
}

bytes_of() { cat "$@" | wc -c; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

RESULTS=$OUT/ingest-results.txt
: > "$RESULTS"
row() { printf '%-9s %-23s %12s %-36s %s\n' "$@" | tee -a "$RESULTS"; }

for engine in $ENGINES; do
  dir=$OUT/ingest-$engine
  rm -rf "$dir"
  mkdir -p "$dir"
  flags=(--data-dir "$dir")
  seed=(-data-dir "$dir")
  if [ "$engine" = postgres ]; then
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" 2>/dev/null
    flags+=(--db "$PG&search_path=$SCHEMA")
    seed=(-db "$PG&search_path=$SCHEMA")
  fi
  "$OUT/seedsector" "${seed[@]}" -orgs "$ORGS" -alerts 0 > "$dir/seed.env"
  # shellcheck disable=SC1091
  . "$dir/seed.env"
  "$OUT/vigil" user add "${flags[@]}" --email ingest@centre.example --role sector_analyst >/dev/null
  ANALYST=$("$OUT/vigil" token create "${flags[@]}" --email ingest@centre.example --name "ingest benchmark" 2>/dev/null)
  SENSOR=$("$OUT/vigil" token create "${flags[@]}" --sensor --org "$ORG_ADMIN_ORG" --name "bench sensor" 2>/dev/null)
  start_server "$OUT/serve-ingest-$engine.log" "${flags[@]}"
  echo "$engine: vigil serve at $URL, $ORGS organisations"

  t0=$(now)
  code=$(curl -s -o "$dir/intel.json" -w '%{http_code}' -X POST -T "$IOCS" -H 'Expect:' \
    -H "Authorization: Bearer $ANALYST" "$URL/api/v1/intel?source=bench&name=iocs.txt") || code=000
  secs=$(since "$t0")
  [ "$code" = 200 ] || code="$code (FAILED: see $dir/intel.json)"
  row "$engine" "intel upload" "$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f/s", n / s }')" \
    "$N indicators in ${secs:0:6} s" "HTTP $code"

  # The first upload of the day writes every observable's keyed hash to the index; a
  # repeat of the same telemetry finds them there, as a sensor's traffic mostly would.
  size=$(bytes_of "$TEL")
  upload_all /api/v1/telemetry "$SENSOR" "" -H 'Content-Type: application/x-ndjson'
  row "$engine" "telemetry plain, first" "$(mbps "$size" "$SECS") MB/s" \
    "$((size >> 20)) MiB, $CLIENTS clients, ${SECS:0:6} s" "HTTP $CODES busy=$BUSY sightings=$SIGHTINGS"

  upload_all /api/v1/telemetry "$SENSOR" "" -H 'Content-Type: application/x-ndjson'
  row "$engine" "telemetry plain, again" "$(mbps "$size" "$SECS") MB/s" \
    "$((size >> 20)) MiB, $CLIENTS clients, ${SECS:0:6} s" "HTTP $CODES busy=$BUSY sightings=$SIGHTINGS"

  upload_all /api/v1/telemetry "$SENSOR" .gz -H 'Content-Type: application/x-ndjson' -H 'Content-Encoding: gzip'
  wire=$(bytes_of "$OUT"/tel-part.[0-9][0-9].gz)
  row "$engine" "telemetry gzip, again" "$(mbps "$size" "$SECS") MB/s" \
    "wire $(mbps "$wire" "$SECS") MB/s, ${SECS:0:6} s" "HTTP $CODES busy=$BUSY sightings=$SIGHTINGS"

  upload_all /api/v1/events "$ANALYST" "" -H 'Content-Type: application/x-ndjson'
  row "$engine" "events" "$(awk -v n="$EVENTS" -v s="$SECS" 'BEGIN { printf "%.0f/s", n / s }')" \
    "$EVENTS events, $CLIENTS clients, ${SECS:0:6} s" "HTTP $CODES busy=$BUSY"
  cp "$OUT"/evt-part.00.resp "$dir/events-response.json" 2>/dev/null || true
  stop_server
done

echo
echo "ingest through vigil serve: $ORGS organisations, $N indicators, $MB MB telemetry, $EVENTS events; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-23s %12s %-36s %s\n' engine what rate detail status
cat "$RESULTS"
