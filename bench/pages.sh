#!/usr/bin/env bash
# bench/pages.sh — weight and server time of the heaviest web pages over a seeded sector.
#
#   bench/pages.sh                         10,000 organisations, 1,000,000 alerts, SQLite
#   ORGS=1000 ALERTS=100000 bench/pages.sh a smoke run
#   ENGINES="sqlite postgres" bench/pages.sh
#
# Seeds (or reuses) the same sector as bench/api.sh, starts `vigil serve`, and asks each
# page REQS times (50) in turn with curl, as the sector analyst and as the busiest
# trust's admin (their API tokens sign the requests in as a session would). It prints
# each page's status, HTML bytes, gzipped bytes (what a compressing proxy would send),
# and the time to the first byte (p50, p90): server time plus loopback. Pages not built
# yet answer 404 and are listed as such. The demo data's figures come from
# `go test ./internal/pages -run '^$' -bench HeaviestPages`. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-10000}
ALERTS=${ALERTS:-1000000}
REQS=${REQS:-50}
ENGINES=${ENGINES:-sqlite}
OUT=${OUT:-bench/out}
PG=${VIGIL_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
export GOTOOLCHAIN=local
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

go build -o "$OUT/vigil" ./cmd/vigil
go build -o "$OUT/seedsector" ./bench/seedsector

. bench/server.sh
. bench/seed.sh
trap stop_server EXIT

# measure WHO TOKEN PATH prints one row: who, path, status, bytes, gzip bytes, p50, p90.
measure() {
  local who=$1 token=$2 path=$3 body=$OUT/page.html
  local status
  status=$(curl -s -o "$body" -w '%{http_code}' -H 'Accept: text/html' -H "Authorization: Bearer $token" "$URL$path")
  if [ "$status" != 200 ]; then
    printf '%-8s %-44s %6s\n' "$who" "$path" "$status"
    return
  fi
  local bytes gz
  bytes=$(wc -c < "$body")
  gz=$(gzip -c "$body" | wc -c)
  for _ in $(seq "$REQS"); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H 'Accept: text/html' -H "Authorization: Bearer $token" "$URL$path"
  done | sort -n | awk -v who="$who" -v path="$path" -v b="$bytes" -v gz="$gz" '
    { t[NR] = $1 * 1000 }
    END { printf "%-8s %-44s %6s %8d %8d %8.1f ms %8.1f ms\n", who, path, 200, b, gz, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.9 + 0.5)] }'
}

for engine in $ENGINES; do
  seed "$engine"
  start_server "$OUT/serve-pages-$engine.log" "${DBFLAGS[@]}"
  org=$(sed -n 2p "$DATA/orgs.txt")
  echo
  echo "$engine: $ORGS organisations, $ALERTS alerts; $REQS requests a page, one at a time; load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
  printf '%-8s %-44s %6s %8s %8s %11s %11s\n' who page status bytes gzip p50 p90
  for path in / /alerts "/alerts?status=open&severity=critical" "/alerts?org=$org" "/alerts/$MAX_ALERT_ID" \
    /orgs /feeds /indicators /sightings /audit; do
    measure analyst "$ANALYST_TOKEN" "$path"
  done
  for path in / /alerts "/alerts?status=resolved" /organisation; do
    measure orgadmin "$ORG_ADMIN_TOKEN" "$path"
  done
  stop_server
done
css=internal/pages/assets/nhsuk/nhsuk-frontend.min.css js=internal/pages/assets/nhsuk/nhsuk-frontend.min.js
echo
echo "assets, cached for a day: CSS $(wc -c < $css) bytes ($(gzip -c $css | wc -c) gzipped), JS $(wc -c < $js) bytes ($(gzip -c $js | wc -c) gzipped)"
