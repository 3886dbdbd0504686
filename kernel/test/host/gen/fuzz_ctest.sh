#!/bin/sh
# fuzz_ctest.sh FUZZER WORKDIR SECONDS — the bounded run of the generator's libFuzzer engine that
# ctest (and so scripts/test) runs: a fresh corpus seeded with the choices of 16 seeded runs,
# SECONDS of fuzzing, and if an input makes the kernel fail, that input shrunk to a regression
# test. The crash input stays in WORKDIR/crashes/ (reproduce: FUZZER WORKDIR/crashes/crash-*).
set -u
fuzzer=$1 work=$2 seconds=$3
rm -rf "$work/corpus" "$work/crashes"
mkdir -p "$work/corpus" "$work/crashes"
COURIER_GEN_SEED_CORPUS=16 "$fuzzer" -seed=1 -max_total_time="$seconds" -runs=10000000 \
  -max_len=4096 -len_control=0 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/corpus"
status=$?
for crash in "$work"/crashes/*; do
  [ -f "$crash" ] || continue
  echo "== $crash, shrunk:"
  COURIER_GEN_SHRINK=1 "$fuzzer" "$crash" 2>/dev/null | grep -v '^INFO:\|^Running:\|^Executed\|^\*\*\*'
done
exit $status
