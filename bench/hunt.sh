#!/usr/bin/env bash
# bench/hunt.sh — vigil hunt against ripgrep and grep on the same inputs, in the same run.
#
#   bench/hunt.sh                 1,000,000 indicators, >= 1 GiB of NDJSON
#   N=100000 MB=256 bench/hunt.sh a quicker run
#   BASELINE_MB=350 bench/hunt.sh run rg/grep on the first 350 MB only (they are slow and
#                                 memory-hungry with 1M patterns); MB/s ratios stay comparable
#
# Prints MB/s and peak RSS for each tool and the ratios. Not part of CI (2 cores, minutes).
# Scanning speed without intel loading is BenchmarkHunt in internal/hunt:
#   go test ./internal/hunt -run '^$' -bench Hunt -cpu 1
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
MB=${MB:-1024}
BASELINE_MB=${BASELINE_MB:-$MB}
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
export GOTOOLCHAIN=local

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need rg ripgrep
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

go build -o "$OUT/vigil" ./cmd/vigil
if [ ! -s "$OUT/iocs-$N.txt" ] || [ ! -s "$OUT/telemetry-$MB.ndjson" ]; then
  go run ./bench/benchdata -data "$DATA" -n "$N" -iocs "$OUT/iocs-$N.txt" -mb "$MB" -telemetry "$OUT/telemetry-$MB.ndjson"
fi
IOCS=$OUT/iocs-$N.txt
TEL=$OUT/telemetry-$MB.ndjson
BASE=$TEL
if [ "$BASELINE_MB" != "$MB" ]; then
  BASE=$OUT/telemetry-$MB-first$BASELINE_MB.ndjson
  [ -s "$BASE" ] || head -c "$((BASELINE_MB << 20))" "$TEL" | sed '$d' > "$BASE"
fi
bytes() { stat -c %s "$1"; }

# measure NAME INPUT CMD... → sets SECS and RSS_MB
measure() {
  local name=$1 input=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$OUT/time.$name" "$@" > "$OUT/out.$name" 2> "$OUT/err.$name" || [ $? -le 3 ]
  read -r SECS RSS_KB < "$OUT/time.$name"
  RSS_MB=$((RSS_KB / 1024))
  local mbps
  mbps=$(awk -v b="$(bytes "$input")" -v s="$SECS" 'BEGIN { printf "%.1f", b / 1e6 / s }')
  printf '%-28s %8.2f s %10s MB/s %8d MB peak  (%s lines out)\n' "$name" "$SECS" "$mbps" "$RSS_MB" "$(wc -l < "$OUT/out.$name")"
  eval "MBPS_$name=$mbps RSS_$name=$RSS_MB"
}

echo "inputs: $(wc -l < "$IOCS") indicators; telemetry $(( $(bytes "$TEL") >> 20 )) MiB (baselines on $(( $(bytes "$BASE") >> 20 )) MiB); $(nproc) cores"
# Intel loading alone (import + compile, no telemetry), so scanning speed can be told apart.
measure vigil_load "$IOCS" "$OUT/vigil" hunt -q --iocs "$IOCS" /dev/null
measure vigil "$TEL" "$OUT/vigil" hunt --iocs "$IOCS" "$TEL"
measure vigil_1core "$TEL" "$OUT/vigil" hunt -q --workers 1 --iocs "$IOCS" "$TEL"
measure ripgrep "$BASE" rg -F -c -f "$IOCS" "$BASE"
measure grep "$BASE" grep -F -c -f "$IOCS" "$BASE"

awk -v v="$MBPS_vigil" -v r="$MBPS_ripgrep" -v g="$MBPS_grep" -v vr="$RSS_vigil" -v rr="$RSS_ripgrep" -v one="$MBPS_vigil_1core" 'BEGIN {
  printf "\nvigil end to end vs ripgrep: %.1fx faster (target >= 10x)\n", v / r
  printf "vigil end to end vs grep:    %.1fx faster\n", v / g
  printf "vigil peak memory / ripgrep: %.3f (target <= 0.125)\n", vr / rr
  printf "vigil on one core:           %.1f MB/s end to end, indicator loading included (scan target >= 300 MB/s per core)\n", one
}'
echo "vigil summary:"; sed 's/^/  /' "$OUT/err.vigil"
