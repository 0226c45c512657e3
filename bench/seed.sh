# bench/seed.sh — sourced by the bench scripts: seed a sector once per size and engine
# with bench/seedsector ($OUT/seedsector), kept under $OUT (and, for PostgreSQL, in a
# schema named after the size) for later runs; FRESH=1 reseeds. Needs ORGS, ALERTS, OUT
# and PG.

# seed ENGINE sets DATA (the data dir), DBFLAGS (vigil serve's store flags) and the
# seeder's variables (tokens, ORG_ADMIN_ORG, MAX_ALERT_ID), seeding on the first run.
seed() {
  local engine=$1 size=${ORGS}x${ALERTS}
  DATA=$OUT/api-$engine-$size
  local env=$DATA/seed.env
  [ "${FRESH:-0}" = 1 ] && rm -rf "$DATA"
  if [ "$engine" = postgres ]; then
    local schema=vigil_bench_api_${ORGS}_${ALERTS}
    DBFLAGS=(--data-dir "$DATA" --db "$PG&search_path=$schema")
    if [ ! -s "$env" ]; then
      psql "$PG" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" 2>/dev/null
    fi
  else
    DBFLAGS=(--data-dir "$DATA")
  fi
  if [ ! -s "$env" ]; then
    echo "seeding $engine: $ORGS organisations, $ALERTS alerts"
    mkdir -p "$DATA"
    local where=(-data-dir "$DATA")
    [ "$engine" = postgres ] && where=(-db "${DBFLAGS[3]}")
    "$OUT/seedsector" "${where[@]}" -orgs "$ORGS" -alerts "$ALERTS" -orgs-file "$DATA/orgs.txt" > "$env.tmp"
    mv "$env.tmp" "$env"
  fi
  # shellcheck disable=SC1090
  . "$env"
}

