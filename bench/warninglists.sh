#!/usr/bin/env bash
# bench/warninglists.sh — what vigil's built-in warninglists do to each real feed.
#
#   bench/warninglists.sh            every feed under ../shared/data/intel
#   LISTS=dir bench/warninglists.sh  the same with other lists (builtin, none, or MISP dirs)
#
# Prints a Markdown table: per feed, the indicators kept, those each list dropped or
# flagged, and a sample of what. docs/warninglists.md holds the last run's table.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-${VIGIL_SHARED_DATA:-../shared/data}}/intel
LISTS=${LISTS:-builtin}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
export GOTOOLCHAIN=local
go build -o "$OUT/vigil" ./cmd/vigil
echo "| feed | kept | dropped | flagged | by list (sample) |"
echo "|---|---:|---:|---:|---|"
for feed in "$DATA"/lists/* "$DATA"/misp/* "$DATA"/stix/*; do
  [ -e "$feed" ] || continue
  name=${feed#"$DATA"/}
  [ "$name" = misp/warninglists ] && continue
  "$OUT/vigil" intel stats --json --warninglists "$LISTS" "$feed" 2>/dev/null |
    jq -r --arg name "$name" '
      . as $r
      | def sample($l): ($r.listed_examples[$l] // []) | .[0:2] | join(", ");
      ([(.warninglisted_by // {} | to_entries[]), (.flagged_by // {} | to_entries[])]
        | map("\(.key) \(.value) (\(sample(.key)))") | join("; ")) as $by
      | "| \($name) | \(.total) | \(.warninglisted) | \(.flagged) | \($by) |"'
done
