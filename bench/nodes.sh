#!/usr/bin/env bash
# bench/nodes.sh — several `vigil serve` nodes on one PostgreSQL database.
#
#   bench/nodes.sh                          N = 1, 2 and 3 nodes, a smoke size
#   NODES="1 2 3" ORGS=10000 N=200000 MB=128 EVENTS=200000 bench/nodes.sh
#
# For each N: a fresh schema with ORGS organisations (bench/seedsector), N nodes on
# loopback sharing it (same VIGIL_SECRET and VIGIL_DB, a data dir each), an analyst and a
# sensor token made with the CLI, then through the HTTP API:
#   1. intel       one upload of N indicators at node 1 (indicators/s)
#   2. telemetry   MB of NDJSON in CLIENTS parts per node, each part sent to its node
#                  (MB/s of NDJSON, first upload of the day: every observable is indexed)
#   3. events      EVENTS threat events in CLIENTS parts per node (events/s)
#   4. latency     ROUNDS times: a new domain is uploaded at node 1 while the last node
#                  is sent telemetry naming it every 20 ms; the time from the upload's
#                  start to the first telemetry the last node matches (with one node, the
#                  same node: the time to recompile)
# and prints a table. STEPS (default "intel telemetry events latency") picks the steps:
# STEPS="intel latency" measures the latency over N stored indicators alone. VIGIL (or
# VIGIL_BIN) names a vigil binary to run instead of building this tree (a before figure);
# SCHEMA the schema, so runs do not drop another's. Not part of CI. PostgreSQL: VIGIL_BENCH_POSTGRES (default the local
# test database), in a schema created and dropped here.
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-1 2 3}
ORGS=${ORGS:-1000}
N=${N:-50000}
MB=${MB:-32}
EVENTS=${EVENTS:-40000}
CLIENTS=${CLIENTS:-2}
ROUNDS=${ROUNDS:-5}
STEPS=${STEPS:-intel telemetry events latency}
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=${SCHEMA:-vigil_bench_nodes}
DB="$PG&search_path=$SCHEMA&application_name=vigil-bench-nodes"
export GOTOOLCHAIN=local
export VIGIL_SECRET=${VIGIL_SECRET:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

VIGIL=${VIGIL:-${VIGIL_BIN:-}}
if [ -z "$VIGIL" ]; then
  go build -o "$OUT/vigil" ./cmd/vigil
  VIGIL=$OUT/vigil
fi
go build -o "$OUT/seedsector" ./bench/seedsector

IOCS=$OUT/iocs-$N.txt
TEL=$OUT/telemetry-$MB.ndjson
EVT=$OUT/events-$ORGS-$EVENTS.ndjson
if [ ! -s "$IOCS" ] || [ ! -s "$TEL" ]; then
  go run ./bench/benchdata -data "$DATA" -n "$N" -iocs "$IOCS" -mb "$MB" -telemetry "$TEL"
fi
[ -s "$EVT" ] || "$OUT/seedsector" -orgs "$ORGS" -events "$EVENTS" -events-out "$EVT"

PIDS=()
URLS=()
stop_nodes() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
  URLS=()
}
cleanup() {
  stop_nodes
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" 2>/dev/null || true
}
trap cleanup EXIT

# start_node I starts node I (0-based) on its own data dir and appends its URL.
start_node() {
  local dir=$OUT/nodes-$1 log=$OUT/serve-nodes-$1.log url=""
  rm -rf "$dir"
  mkdir -p "$dir"
  "$VIGIL" serve --addr 127.0.0.1:0 --data-dir "$dir" --db "$DB" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 300); do
    url=$(grep -m1 -o 'listening on http://[^ ]*' "$log" | sed 's/listening on //') || true
    [ -n "$url" ] && break
    sleep 0.2
  done
  [ -n "$url" ] || { echo "node $1 did not start:" >&2; tail -20 "$log" >&2; exit 1; }
  URLS+=("$url")
}

now() { date +%s.%N; }

# cpu_ticks: the CPU time (clock ticks, user + system) spent so far by the nodes and by
# the PostgreSQL backends serving them (application_name vigil-bench-nodes): what the
# events cost on any machine, whatever else loads this one. A backend that exited
# during the phase is not counted, so the figure errs low.
cpu_ticks() {
  local pids p t=0
  pids="${PIDS[*]} $(psql "$PG" -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = 'vigil-bench-nodes'" 2>/dev/null | tr '\n' ' ')"
  for p in $pids; do
    [ -r "/proc/$p/stat" ] || continue
    t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
  done
  echo "$t"
}
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# post URL PATH TOKEN FILE RESP [curl args...]: streams FILE, retrying 429s.
post() {
  local url=$1 path=$2 tok=$3 file=$4 resp=$5 code; shift 5
  for _ in $(seq 120); do
    code=$(curl -s -o "$resp" -w '%{http_code}' -X POST -T "$file" -H 'Expect:' \
      -H "Authorization: Bearer $tok" "$@" "$url$path") || code=000
    [ "$code" = 429 ] || break
    sleep 1
  done
  echo "$code" > "$resp.code"
}

# spread PATH TOKEN PREFIX: every part to node (part number mod N) at once; sets SECS
# and CODES.
spread() {
  local path=$1 tok=$2 prefix=$3 t0 pids=() i=0 p
  t0=$(now)
  for p in "$prefix".[0-9][0-9]; do
    post "${URLS[$((i % ${#URLS[@]}))]}" "$path" "$tok" "$p" "$p.resp" -H 'Content-Type: application/x-ndjson' &
    pids+=($!)
    i=$((i + 1))
  done
  wait "${pids[@]}"
  SECS=$(since "$t0")
  CODES=$(cat "$prefix".[0-9][0-9].resp.code | sort -u | tr '\n' ' ')
  [ "$CODES" = "200 " ] || CODES="$CODES(FAILED: see $OUT/serve-nodes-*.log)"
}

# latency: the seconds from an upload at node 1 to a match at the last node.
latency() {
  local r=$1 dom="lat-$1-$RANDOM.example" last=${URLS[$((${#URLS[@]} - 1))]} t0 line
  line="{\"_path\":\"dns\",\"ts\":\"$(date -u +%FT%TZ)\",\"query\":\"www.$dom\"}"
  t0=$(now)
  printf '%s\n' "$dom" | curl -s -o /dev/null -X POST --data-binary @- -H "Authorization: Bearer $ANALYST" \
    "${URLS[0]}/api/v1/intel?source=latency" &
  for _ in $(seq 1000); do
    if printf '%s\n' "$line" | curl -s -X POST --data-binary @- -H "Authorization: Bearer $SENSOR" \
      -H 'Content-Type: application/x-ndjson' "$last/api/v1/telemetry" | grep -q '"sightings":[1-9]'; then
      since "$t0"
      wait
      return
    fi
    sleep 0.02
  done
  wait
  echo "none"
}

RESULTS=$OUT/nodes-results.txt
: > "$RESULTS"
row() { printf '%-6s %-10s %14s  %s\n' "$@" | tee -a "$RESULTS"; }

for n in $NODES; do
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" 2>/dev/null
  "$OUT/seedsector" -db "$DB" -orgs "$ORGS" -alerts 0 > "$OUT/nodes-seed.env"
  # shellcheck disable=SC1091
  . "$OUT/nodes-seed.env"
  "$VIGIL" user add --db "$DB" --data-dir "$OUT" --email nodes@centre.example --role sector_analyst >/dev/null
  ANALYST=$("$VIGIL" token create --db "$DB" --data-dir "$OUT" --email nodes@centre.example --name "nodes benchmark" 2>/dev/null)
  SENSOR=$("$VIGIL" token create --db "$DB" --data-dir "$OUT" --sensor --org "$ORG_ADMIN_ORG" --name "bench sensor" 2>/dev/null)
  for i in $(seq 0 $((n - 1))); do start_node "$i"; done
  parts=$((n * CLIENTS))
  rm -f "$OUT"/ntel.* "$OUT"/nevt.*
  split -n "l/$parts" -d "$TEL" "$OUT/ntel."
  split -n "l/$parts" -d "$EVT" "$OUT/nevt."
  echo "$n node(s): ${URLS[*]}"

  step() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
  if step intel; then
  t0=$(now)
  code=$(curl -s -o "$OUT/nodes-intel.json" -w '%{http_code}' -X POST -T "$IOCS" -H 'Expect:' \
    -H "Authorization: Bearer $ANALYST" "${URLS[0]}/api/v1/intel?source=bench&name=iocs.txt") || code=000
  secs=$(since "$t0")
  row "$n" intel "$(awk -v n="$N" -v s="$secs" 'BEGIN { printf "%.0f/s", n / s }')" "$N indicators at node 1 in ${secs:0:6} s, HTTP $code"
  fi

  if step telemetry; then
  size=$(wc -c < "$TEL")
  spread /api/v1/telemetry "$SENSOR" "$OUT/ntel"
  row "$n" telemetry "$(awk -v b="$size" -v s="$SECS" 'BEGIN { printf "%.1f MB/s", b / 1e6 / s }')" \
    "$((size >> 20)) MiB in $parts parts over $n node(s), ${SECS:0:6} s, HTTP $CODES"
  fi

  if step events; then
  c0=$(cpu_ticks)
  spread /api/v1/events "$ANALYST" "$OUT/nevt"
  cpu=$(awk -v a="$c0" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')
  row "$n" events "$(awk -v e="$EVENTS" -v s="$SECS" 'BEGIN { printf "%.0f/s", e / s }')" \
    "$EVENTS events in $parts parts over $n node(s), ${SECS:0:6} s, HTTP $CODES"
  row "$n" events/cpu "$(awk -v e="$EVENTS" -v c="$cpu" 'BEGIN { printf "%.0f/cpu-s", e / c }')" \
    "$cpu CPU-seconds of the nodes and their PostgreSQL backends for the events"
  fi

  if step latency; then
  lats=()
  for r in $(seq "$ROUNDS"); do lats+=("$(latency "$r")"); done
  row "$n" latency "$(printf '%s\n' "${lats[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f s", a[int((NR + 1) / 2)] }')" \
    "median of $ROUNDS: intel at node 1 → telemetry matched at node $n (${lats[*]})"
  fi
  stop_nodes
done

echo
echo "several nodes on one PostgreSQL: $ORGS organisations, $N indicators, $MB MB telemetry, $EVENTS events; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %14s  %s\n' nodes what rate detail
cat "$RESULTS"
