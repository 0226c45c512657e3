#!/usr/bin/env bash
# bench/matcher.sh — the matcher's figures (issue 10 §8, issue 13), each printed by the
# Go benchmark that measures it:
#
#   bench/matcher.sh                       # 200,000 stored indicators
#   INDICATORS=1000000 bench/matcher.sh    # the issue's million (seeding takes minutes)
#
#   1. recompile   rebuilding the matcher from the store (RecompileAll), SQLite and
#                  PostgreSQL: s/1M-indicators and this process's cpu-s/1M-indicators
#   2. read        the store read alone: EachIndicator (before) and EachMatchable (after)
#   3. changes     applying a change of 200 indicators on top (Recompile): ms/change
#   4. ipv6        IPv6 lookups against a feed-shaped set: ns/op and cpu-ns/op
#   5. intel load  every intel file of shared/data on one worker (before) and one per core
#
# PostgreSQL: VIGIL_TEST_POSTGRES (default the local test database); without it the
# PostgreSQL halves skip. The latency from an intel change to an alert at another node
# is bench/nodes.sh (STEPS="intel latency"). The machine's load is printed: on a shared
# machine wall times say more about the neighbours than about vigil, cpu figures less so.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
export VIGIL_TEST_POSTGRES=${VIGIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
export VIGIL_BENCH_INDICATORS=${INDICATORS:-200000}
run() { go test "$1" -run '^$' -bench "$2" -benchtime "$3" -timeout 60m | grep -E '^Benchmark' || true; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $VIGIL_BENCH_INDICATORS stored indicators"
run ./internal/threatintel '^BenchmarkRecompile$' 3x
run ./internal/store '^BenchmarkReadForMatcher$' 3x
run ./internal/threatintel '^BenchmarkRecompileChanges$' 20x
run ./internal/match '^BenchmarkLookupIPv6$' 2000000x
run ./internal/intel '^BenchmarkLoadParallel$' 2x
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
