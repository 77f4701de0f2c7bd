#!/usr/bin/env bash
# `make sanitize`: the whole Swift test suite under AddressSanitizer, then under ThreadSanitizer, each in its own
# build folder (.build-asan, .build-tsan). Child processes the tests start (functions, the emulator) are built
# with the same sanitizer, so a report from any of them fails the run.
#   SANITIZERS="address"  to run one only
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
status=0
for s in ${SANITIZERS:-address thread}; do
  scratch=.build-${s:0:1}san
  echo "== swift test --sanitize $s ($scratch)"
  started=$(date +%s)
  if swift build --scratch-path "$scratch" --sanitize "$s" --build-tests >"$scratch.log" 2>&1 \
     && WXPAY_SANITIZER=$s swift test --scratch-path "$scratch" --sanitize "$s" --skip-build >>"$scratch.log" 2>&1; then
    echo "$s: clean ($(grep -E '^(✔|✘|━) Test run' "$scratch.log" | tail -1)) in $(( $(date +%s) - started )) s"
  else
    status=1
    echo "$s: FAILED in $(( $(date +%s) - started )) s; excerpt of $scratch.log:" >&2
    grep -E "ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer|SUMMARY|✘|error:" "$scratch.log" | head -40 >&2
  fi
done
exit $status
