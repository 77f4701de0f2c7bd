#!/usr/bin/env bash
# examples/test.sh: runs every example workflow (pay, expiry, redact, mcp) against local emulators; ends with
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
for script in pay.sh expiry.sh redact.sh mcp.sh; do  # agent/test.sh runs on its own (make test runs both)
    if out=$(bash "$dir/$script" 2>&1); then
        passed=$((passed + 1)); echo "ok - examples/$script"
    else
        failed=$((failed + 1)); echo "not ok - examples/$script"; echo "$out" | tail -n 30 | sed 's/^/    /'
    fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" = 0 ]
