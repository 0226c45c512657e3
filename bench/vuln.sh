#!/usr/bin/env bash
# bench/vuln.sh — vigil vuln scan against osv-scanner v2.6.0 on the same SBOMs, offline,
# in the same run.
#
#   bench/vuln.sh                 1,000 SBOMs of ~40 real package versions each
#   N=100 bench/vuln.sh           a quicker run
#
# The SBOMs are generated from real package names and versions in the shared OSV
# snapshot (bench/vulnsboms gen). osv-scanner reads the CycloneDX files; vigil reads the
# same components as purl lists, because its CycloneDX reader (the inventory package) is
# not merged yet. Prints both tools' wall time, the ratio, and the agreement of findings
# (input × package × version × vulnerability, aliases merged) with every difference
# explained or listed. Not part of CI (2 cores, a minute or two).
#
# osv-scanner: GOTOOLCHAIN=auto go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0
# (it needs a newer Go than 1.26; the go command fetches the toolchain from the module proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}
OUT=${OUT:-bench/out}
OSV_SCANNER=${OSV_SCANNER:-$(command -v osv-scanner || echo "$(go env GOPATH)/bin/osv-scanner")}
export GOTOOLCHAIN=local
mkdir -p "$OUT"

if [ ! -x "$OSV_SCANNER" ]; then
  GOTOOLCHAIN=auto go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.6.0
fi
"$OSV_SCANNER" --version | head -1

go build -o "$OUT/vigil" ./cmd/vigil
SBOMS=$OUT/vuln-sboms-$N
[ -d "$SBOMS" ] || go run ./bench/vulnsboms gen -osv "$DATA/vuln/osv/offline-db" -n "$N" -out "$SBOMS"

# osv-scanner reads its offline cache from a directory it may write to: use a copy.
DB=$OUT/vuln-offline-db
rm -rf "$DB" && cp -r "$DATA/vuln/osv/offline-db" "$DB"

now() { date +%s.%N; }
cdx=(); for f in "$SBOMS"/*.cdx.json; do cdx+=(-L "$f"); done

t0=$(now)
OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY=$PWD/$DB "$OSV_SCANNER" scan source --offline --no-call-analysis=go \
  --all-packages --format json "${cdx[@]}" >"$OUT/vuln-osv-scanner.json" 2>"$OUT/vuln-osv-scanner.log" || [ $? -eq 1 ]
t1=$(now)
"$OUT/vigil" vuln scan --osv "$DB" --format ndjson "$SBOMS"/*.purls >"$OUT/vuln-vigil.ndjson" 2>"$OUT/vuln-vigil.log" || [ $? -eq 1 ]
t2=$(now)

osv=$(echo "$t1 - $t0" | bc -l); vig=$(echo "$t2 - $t1" | bc -l)
printf 'SBOMs: %d, components: %d\n' "$N" "$(cat "$SBOMS"/*.purls | wc -l)"
printf 'osv-scanner %.2f s, vigil %.2f s, vigil is %.1fx faster\n' "$osv" "$vig" "$(echo "$osv / $vig" | bc -l)"
go run ./bench/vulnsboms compare -vigil "$OUT/vuln-vigil.ndjson" -osv-scanner "$OUT/vuln-osv-scanner.json" -osv "$DB"
