#!/usr/bin/env bash
# Benchmark: whole `create-intent` processes (secrets reload, sign, query + prepay over loopback, verify answers; one
# process per call, a new idempotency key each time) against the same native order placed by the Python SDK
# `wechatpayv3` (one python3 process per call, keys loaded each time), both against one `wxpay-emulator`.
#
#   Benchmarks/create-intent/run.sh [N]        # N calls per side (default 100)
#
# Environment: N; SCRATCH (release scratch path, default .build-release); EMULATOR (a built wxpay-emulator to use
# instead of building it in release in SCRATCH); JSON_OUT (write raw timings).
# Prints medians, p90, the ratio; exits 1 when a target is missed (median < 15 ms a process, >= 20x faster than Python).
set -euo pipefail

N="${1:-${N:-100}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="${SCRATCH:-$ROOT/.build-release}"
cd "$ROOT"

echo "building create-intent (release, static Swift stdlib) in $SCRATCH" >&2
swift build -c release --scratch-path "$SCRATCH" --product create-intent --static-swift-stdlib >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
if [[ -z "${EMULATOR:-}" ]]; then
    echo "building wxpay-emulator (release) in $SCRATCH" >&2
    swift build -c release --scratch-path "$SCRATCH" --product wxpay-emulator >&2
    EMULATOR="$BIN/wxpay-emulator"
fi

if ! python3 -c 'import wechatpayv3' 2>/dev/null; then
    echo "installing the Python SDK wechatpayv3" >&2
    python3 -m pip install --quiet wechatpayv3 >&2
fi

WORK="$(mktemp -d /tmp/wxpay-bench-intent-XXXXXX)"
EMU_PID=""
cleanup() {
    if [[ -n "$EMU_PID" ]]; then kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$EMULATOR" init --out "$WORK/keys" --notify-url http://127.0.0.1:9/wxpay/notify >/dev/null
"$EMULATOR" serve --sandbox "$WORK/keys/sandbox.json" --port 0 --notify-backoff "" --log-level warning \
    >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMU_PID=$!
for _ in $(seq 1 300); do
    [[ -s "$WORK/emulator.out" ]] && break
    sleep 0.05
done
API_BASE="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listening"])' "$WORK/emulator.out")"
python3 - "$WORK/keys/secrets.json" "$API_BASE" <<'PY'
import json, sys
path, base = sys.argv[1], sys.argv[2]
with open(path) as f:
    secrets = json.load(f)
secrets["api_base"] = base
with open(path, "w") as f:
    json.dump(secrets, f)
PY
echo "emulator: $EMULATOR at $API_BASE" >&2
echo "binary: $(stat -c %s "$BIN/create-intent" | awk '{printf "%.1f MiB", $1/1048576}'), linked against: $(ldd "$BIN/create-intent" | awk '{print $1}' | tr '\n' ' ')" >&2

python3 "$HERE/bench.py" --create-intent "$BIN/create-intent" --python-script "$HERE/wechatpayv3_create_intent.py" \
    --secrets "$WORK/keys/secrets.json" -n "$N" ${JSON_OUT:+--json "$JSON_OUT"}
