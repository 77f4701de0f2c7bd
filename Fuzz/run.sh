#!/usr/bin/env bash
# Runs the libFuzzer targets of wxpay-fuzz (see Fuzz/README.md).
#
#   Fuzz/run.sh fuzz  [TARGET...]   each target for FUZZ_SECONDS (default 60), new corpus entries kept in
#                                   Fuzz/corpus/<target>, findings in Fuzz/findings/; prints a table
#   Fuzz/run.sh smoke [TARGET...]   each target for FUZZ_RUNS inputs (default 3000) on a scratch copy of the
#                                   corpus: the short run `make test` includes; exits 1 on any finding
#
# Builds the fuzzing binary first (scratch path .build-fuzz: -sanitize=fuzzer,address, -D FUZZING).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-fuzz}; shift || true
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:-3000}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}

# SwiftPM's --sanitize links libFuzzer as main; swiftc's -sanitize=fuzzer instruments every module for coverage.
FLAGS=(--scratch-path "$SCRATCH" --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)
swift build "${FLAGS[@]}" --product wxpay-fuzz >"$SCRATCH.log" 2>&1 \
  || { grep -v "Cannot export local symbol" "$SCRATCH.log" | tail -40; echo "fuzz build failed" >&2; exit 1; }
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)/wxpay-fuzz"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls Fuzz/corpus)
fi

export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:handle_abort=1}
mkdir -p Fuzz/findings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

max_len() {
  case $1 in
    envelope|lambda-next|risk-ndjson|risk-array|notification) echo 32768 ;;
    *) echo 8192 ;;
  esac
}
dict() {
  case $1 in
    notification|authorization|http-request|forward-signature|lambda-next|wechat-answer) echo Fuzz/dict/headers.dict ;;
    *) echo Fuzz/dict/json.dict ;;
  esac
}

printf '%-22s %12s %10s %9s\n' target executions "exec/s" findings | tee "$work/table"
failed=0
for t in "${targets[@]}"; do
  [ -d "Fuzz/corpus/$t" ] || { echo "no corpus for target $t" >&2; exit 64; }
  log="$work/$t.log"
  if [ "$mode" = smoke ]; then
    mkdir -p "$work/corpus-$t"
    limits=(-runs="$RUNS" "$work/corpus-$t" "Fuzz/corpus/$t")
    prefix="$work/finding-$t-"
  else
    limits=(-max_total_time="$SECONDS_EACH" "Fuzz/corpus/$t")
    prefix="Fuzz/findings/$t-"
  fi
  set +e
  WXPAY_FUZZ_TARGET="$t" "$BIN" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len="$(max_len "$t")" \
    -dict="$(dict "$t")" -artifact_prefix="$prefix" -print_final_stats=1 "${limits[@]}" >"$log" 2>&1
  status=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ -n "$secs" ] && [ "$secs" -gt 0 ] 2>/dev/null; then
    rate=$(( ${execs:-0} / secs ))
  elif [ "${secs:-}" = 0 ]; then
    rate=">${execs:-0}"  # done within the first second
  fi
  findings=$(find "$(dirname "$prefix")" -maxdepth 1 -name "$(basename "$prefix")*" | wc -l)
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  printf '%-22s %12s %10s %9s\n' "$t" "${execs:-?}" "${rate:-?}" "$findings" | tee -a "$work/table"
  if [ "$findings" -ne 0 ]; then
    failed=1
    echo "---- $t: finding (log tail) ----" >&2
    grep -E "wxpay-fuzz:|ERROR: |SUMMARY|Fatal error|Test unit written" "$log" | head -20 >&2 || tail -30 "$log" >&2
    if [ "$mode" = smoke ]; then
      mkdir -p Fuzz/findings && cp "$prefix"* Fuzz/findings/ 2>/dev/null || true
    fi
  fi
done
if [ "$mode" = fuzz ]; then cp "$work/table" Fuzz/last-run.txt; fi
if [ "$mode" = smoke ]; then
  # The closing line CI reads: every target is one test.
  pass=$(awk 'NR>1 && $4==0' "$work/table" | wc -l); fail=$(awk 'NR>1 && $4!=0' "$work/table" | wc -l)
  echo "fuzz: $pass passed, $fail failed"
fi
exit $failed
