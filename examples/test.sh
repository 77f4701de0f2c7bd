#!/usr/bin/env bash
# examples/test.sh: runs every example workflow and the agent loop test against local emulators; ends with
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
for script in pay.sh expiry.sh redact.sh mcp.sh agent/test.sh; do
    if out=$(bash "$dir/$script" 2>&1); then
        passed=$((passed + 1)); echo "ok - examples/$script"
    else
        failed=$((failed + 1)); echo "not ok - examples/$script"; echo "$out" | tail -n 30 | sed 's/^/    /'
    fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" = 0 ]
