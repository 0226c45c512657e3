#!/usr/bin/env bash
# bench/import.sh — server-side intel import speed and memory, on SQLite and PostgreSQL.
#
#   bench/import.sh                         1,000,000 indicators uploaded, a 2,000,000-line feed pulled
#   N=100000 FEED=200000 bench/import.sh    a smoke run
#   ENGINES=sqlite PULL=0 bench/import.sh   SQLite only, no feed pull (UPLOAD=0: no upload)
#
# For each engine, on a fresh store, each step in a fresh `vigil serve` run under
# /usr/bin/time -v (its "Maximum resident set size" is the peak RSS of the server):
#   1. POST /api/v1/intel with N indicators (bench/benchdata's list, as bench/hunt.sh),
#      timed until the import is done: the answer itself (200) or, for an upload run as
#      a job (202), the job's state turning done. Prints indicators/s and peak RSS, and
#      the server's CPU time when storing ended and in all (PostgreSQL's own is not in it).
#   2. (PULL=1) a list feed of FEED lines served from 127.0.0.1 by python3's http.server,
#      registered disabled and pulled with POST /api/v1/feeds/{id}/pull, timed likewise.
# SAMPLE=1 also records the server's memory every 0.5 s in $OUT/rss-STEP-ENGINE.txt
# (time, VmRSS, RssAnon, RssFile, Go's own: go_memstats_sys_bytes less what it released,
# all in MiB) and prints the split at the peak: what is Go's, what is the pure-Go
# SQLite's C memory (the rest of the anonymous memory), what is the binary's pages.
# Not part of CI. PostgreSQL: VIGIL_BENCH_POSTGRES (default the local test database), in
# a schema created and dropped here.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
FEED=${FEED:-2000000}
PULL=${PULL:-1}
UPLOAD=${UPLOAD:-1}
SAMPLE=${SAMPLE:-0}
ENGINES=${ENGINES:-sqlite postgres}
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=${SCHEMA:-vigil_bench_import}
PULLSCHEMA=${SCHEMA}_pull
export GOTOOLCHAIN=local
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# VIGIL_BIN measures another build (an earlier commit's, for a "before" figure).
if [ -n "${VIGIL_BIN:-}" ]; then
  cp "$VIGIL_BIN" "$OUT/vigil"
else
  go build -o "$OUT/vigil" ./cmd/vigil
fi
IOCS=$OUT/iocs-$N.txt
FEEDFILE=$OUT/feed-$FEED/feed.txt
[ "$UPLOAD" = 0 ] || [ -s "$IOCS" ] || go run ./bench/benchdata -data "$DATA" -n "$N" -iocs "$IOCS"
if [ "$PULL" = 1 ] && [ ! -s "$FEEDFILE" ]; then
  mkdir -p "$OUT/feed-$FEED"
  go run ./bench/benchdata -data "$DATA" -n "$FEED" -iocs "$FEEDFILE"
fi

SERVER_PID= VIGIL_PID= HTTP_PID=
# start_timed LOG FLAGS... starts vigil serve under /usr/bin/time -v and sets URL.
start_timed() {
  local log=$1; shift
  /usr/bin/time -v -o "$log.time" "$OUT/vigil" serve --addr 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVER_PID=$! VIGIL_PID=
  URL=
  for _ in $(seq 1500); do # the matcher loads before the server listens
    [ -n "$VIGIL_PID" ] || VIGIL_PID=$(pgrep -P "$SERVER_PID") || true
    URL=$(grep -m1 -o 'listening on http://[^ ]*' "$log" | sed 's/listening on //') || true
    [ -n "$URL" ] && break
    sleep 0.2
  done
  [ -n "$URL" ] || { echo "vigil serve did not start; see $log" >&2; exit 1; }
}
# stop_timed stops the server (time reports when its child ends) and sets RSS_MB.
stop_timed() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$VIGIL_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  RSS_MB=$(awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log_time")
  SERVER_PID= VIGIL_PID=
}
cleanup() {
  [ -z "$VIGIL_PID" ] || kill "$VIGIL_PID" 2>/dev/null || true
  [ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "DROP SCHEMA IF EXISTS $PULLSCHEMA CASCADE" 2>/dev/null || true
}
trap cleanup EXIT

# sample_memory FILE: the memory of vigil serve every 0.5 s until it stops (see SAMPLE).
sample_memory() {
  local pid=$VIGIL_PID go
  while kill -0 "$pid" 2>/dev/null; do
    go=$(curl -s -m 1 -H "Authorization: Bearer $ANALYST" "$URL/metrics" |
      awk '/^go_memstats_sys_bytes /{ s = $2 } /^go_memstats_heap_released_bytes /{ r = $2 } END { printf "%.0f", (s - r) / 1048576 }' || true)
    awk -v t="$(date +%T.%N | cut -c1-10)" -v go="${go:-?}" '/^VmRSS:/{ r = $2 } /^RssAnon:/{ a = $2 } /^RssFile:/{ f = $2 }
      END { if (r) printf "%s %d %d %d %s\n", t, r / 1024, a / 1024, f / 1024, go }' "/proc/$pid/status" 2>/dev/null
    sleep 0.5
  done >"$1"
}
# start_sampling STEP ENGINE: samples in the background when SAMPLE=1; end_sampling waits
# for it to end with the server; peak_split prints the split at the highest sample.
start_sampling() {
  SAMPLES=$OUT/rss-$1-$2.txt SAMPLER_PID=
  [ "$SAMPLE" = 1 ] || return 0
  sample_memory "$SAMPLES" &
  SAMPLER_PID=$!
}
# (a sampler that failed, say a /metrics that timed out on a busy machine, loses samples, not the run)
end_sampling() { [ -z "$SAMPLER_PID" ] || wait "$SAMPLER_PID" || true; }
peak_split() {
  [ "$SAMPLE" = 1 ] && [ -s "$SAMPLES" ] || return 0
  sort -k2 -n "$SAMPLES" | tail -1 | awk '{ printf ", at the sampled peak (%s) %d MiB: Go %s, other anonymous (SQLite) %d, file %d", $1, $2, $5, $3 - $5, $4 }'
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# cpu_secs: the CPU time (user + system) vigil serve has used so far, in seconds.
cpu_secs() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$VIGIL_PID/stat" 2>/dev/null || echo 0
}

# hwm_mb: the peak resident memory of vigil serve so far (VmHWM), in MB.
hwm_mb() {
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$VIGIL_PID/status" 2>/dev/null || echo '?'
}

# await RESP CODE: when CODE is 202, polls the job named in the response until it ends;
# sets STATUS to the final outcome, and STORE_CPU and STORE_MB to the server's CPU time
# and peak resident memory when the job's stored count last moved (within one 2 s
# progress report of the end of storing: what storing cost, before the matcher rebuild
# and the hooks).
await() {
  local resp=$1 code=$2 loc state stored last=
  STATUS="HTTP $code" STORE_CPU= STORE_MB=
  [ "$code" = 202 ] || return 0
  loc=/api/v1/jobs/$(grep -o '"id":[0-9]*' "$resp" | head -1 | cut -d: -f2)
  while :; do
    curl -s -o "$resp" -H "Authorization: Bearer $ANALYST" "$URL$loc" || true
    # a poll that finds no state or no "stored" yet is asked again, not the end of the run
    state=$(grep -o '"state":"[a-z]*"' "$resp" | head -1 | cut -d'"' -f4 || true)
    stored=$(grep -o '"stored":[0-9]*' "$resp" | head -1 | cut -d: -f2 || true)
    if [ -n "$stored" ] && [ "$stored" != "$last" ]; then
      last=$stored STORE_CPU=$(cpu_secs) STORE_MB=$(hwm_mb)
    fi
    case $state in done|failed) break ;; esac
    sleep 0.2
  done
  STATUS="HTTP 202, job $state"
}

RESULTS=$OUT/import-results.txt
: > "$RESULTS"
row() { printf '%-10s %-12s %12s %9s %-34s %s\n' "$@" | tee -a "$RESULTS"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f/s", n / s }'; }

if [ "$PULL" = 1 ]; then
  python3 -m http.server 0 --bind 127.0.0.1 --directory "$OUT/feed-$FEED" >"$OUT/feed-http.log" 2>&1 &
  HTTP_PID=$!
  for _ in $(seq 50); do
    FEEDURL=$(grep -m1 -o 'port [0-9]*' "$OUT/feed-http.log" | awk '{ print "http://127.0.0.1:" $2 "/feed.txt" }') || true
    [ -n "${FEEDURL:-}" ] && break
    sleep 0.2
  done
fi

# fresh_store ENGINE DIR SCHEMA: an empty store with an analyst and their token (ANALYST);
# sets FLAGS for vigil serve.
fresh_store() {
  rm -rf "$2"
  mkdir -p "$2"
  FLAGS=(--data-dir "$2")
  if [ "$1" = postgres ]; then
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $3 CASCADE" -c "CREATE SCHEMA $3" 2>/dev/null
    FLAGS+=(--db "$PG&search_path=$3")
  fi
  "$OUT/vigil" user add "${FLAGS[@]}" --email import@centre.example --role sector_analyst >/dev/null
  ANALYST=$("$OUT/vigil" token create "${FLAGS[@]}" --email import@centre.example --name "import benchmark" 2>/dev/null)
}

# recompiled LOG: how long the last matcher rebuild in LOG took (part of the time to
# done, and the matcher's own figure rather than the import's).
recompiled() { grep 'matcher recompiled' "$1" | tail -1 | grep -o 'took=[^ ]*' | cut -d= -f2; }

for engine in $ENGINES; do
  if [ "$UPLOAD" = 1 ]; then
  dir=$OUT/import-$engine
  fresh_store "$engine" "$dir" "$SCHEMA"
  log=$OUT/serve-import-$engine.log log_time=$log.time
  start_timed "$log" "${FLAGS[@]}"
  start_sampling upload "$engine"
  t0=$(now)
  code=$(curl -s -o "$dir/intel.json" -w '%{http_code}' -X POST -T "$IOCS" -H 'Expect:' \
    -H "Authorization: Bearer $ANALYST" "$URL/api/v1/intel?source=bench&name=iocs.txt") || code=000
  await "$dir/intel.json" "$code"
  secs=$(since "$t0") total_cpu=$(cpu_secs)
  stop_timed
  end_sampling
  row "$engine" "upload" "$(rate "$N" "$secs")" "${RSS_MB} MB" "$N indicators in ${secs:0:6} s" "$STATUS, recompile $(recompiled "$log"), vigil CPU ${STORE_CPU:-?} s storing, $total_cpu s in all, peak ${STORE_MB:-?} MB until storing ended$(peak_split)"
  fi

  if [ "$PULL" = 1 ]; then
    dir=$OUT/pull-$engine
    fresh_store "$engine" "$dir" "$PULLSCHEMA"
    log=$OUT/serve-pull-$engine.log log_time=$log.time
    VIGIL_FEED_ALLOW_PRIVATE=127.0.0.0/8 start_timed "$log" "${FLAGS[@]}"
    start_sampling pull "$engine"
    curl -s -o "$dir/feed.json" -X POST -H "Authorization: Bearer $ANALYST" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-feed\",\"kind\":\"url\",\"url\":\"$FEEDURL\",\"enabled\":false}" "$URL/api/v1/feeds"
    id=$(grep -o '"id":[0-9]*' "$dir/feed.json" | head -1 | cut -d: -f2)
    t0=$(now)
    code=$(curl -s -o "$dir/pull.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $ANALYST" \
      "$URL/api/v1/feeds/$id/pull") || code=000
    await "$dir/pull.json" "$code"
    secs=$(since "$t0")
    stop_timed
    end_sampling
    row "$engine" "feed pull" "$(rate "$FEED" "$secs")" "${RSS_MB} MB" "$FEED lines in ${secs:0:6} s" "$STATUS, recompile $(recompiled "$log"), peak ${STORE_MB:-?} MB until storing ended$(peak_split)"
  fi
done

echo
echo "intel import through vigil serve; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-12s %12s %9s %-34s %s\n' engine what rate "peak RSS" detail status
cat "$RESULTS"
