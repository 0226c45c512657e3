#!/usr/bin/env bash
# bench/recheck.sh — issue 11's re-check at full size (BenchmarkRecheckAtScale): 10,000
# organisations, one in five with a real CycloneDX SBOM of the shared data (43 to 1,115
# components) and log4j-core, the rest a care home's product list of ten, against the
# shared OSV snapshot and CISA's KEV catalogue, on SQLite and PostgreSQL:
#
#   bench/recheck.sh            10,000 organisations (seeding takes a few minutes)
#   SHORT=1 bench/recheck.sh    1,000
#
#   first      every organisation checked once, raising every alert
#   advisory   a new OSV record about log4j-core pulled: the op ends when the pull returns,
#              when the last of the 2,000 organisations running it has its alert
#   inventory  20 organisations upload a new SBOM, each checked alone
#   kev        a KEV catalogue listing one more CVE pulled: every organisation with an open
#              finding checked again
#   all        every organisation checked again, nothing changed (startup or hourly)
#
# Each prints orgs/s and the CPU seconds of this process (cpu-s/op) and of the PostgreSQL
# backends serving it (pg-cpu-s/op, read from /proc: the database must run on this
# machine). PostgreSQL: VIGIL_TEST_POSTGRES (default the local test database). The load
# average is printed before and after: on a shared machine wall times say more about the
# neighbours than about vigil, CPU seconds less so. osv-scanner has no counterpart to
# this (it keeps no store and raises no alerts); bench/vuln.sh compares the matching.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
export VIGIL_TEST_POSTGRES=${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
short=(); [ -n "${SHORT:-}" ] && short=(-short)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
go test ./internal/exposure -run '^$' -bench '^BenchmarkRecheckAtScale$' -benchtime 1x -timeout 60m "${short[@]}" |
  grep -E '^Benchmark.*-[0-9]+ ' || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
