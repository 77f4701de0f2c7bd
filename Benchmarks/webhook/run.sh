#!/usr/bin/env bash
# Benchmark: whole `webhook` processes (verify + decrypt + secrets reload, one process per event) against the same
# job done by the Python SDK `wechatpayv3` (one python3 process per event, keys loaded each time).
#
#   Benchmarks/webhook/run.sh [N]        # N events (default 200)
#
# Environment: N, SCRATCH (release scratch path, default .build-release), JSON_OUT (write raw timings).
# Prints both medians, p90, the ratio and peak RSS; exits 1 when a target is missed
# (webhook median < 5 ms, >= 50x faster than Python, peak RSS < 10 MiB).
set -euo pipefail

N="${1:-${N:-200}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="${SCRATCH:-$ROOT/.build-release}"
cd "$ROOT"

echo "building webhook and wxpay-simulate (release, static Swift stdlib) in $SCRATCH" >&2
for product in webhook wxpay-simulate; do
    swift build -c release --scratch-path "$SCRATCH" --product "$product" --static-swift-stdlib >&2
done
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"

if ! python3 -c 'import wechatpayv3' 2>/dev/null; then
    echo "installing the Python SDK wechatpayv3" >&2
    python3 -m pip install --quiet wechatpayv3 >&2
fi

WORK="$(mktemp -d /tmp/wxpay-bench-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
"$BIN/wxpay-simulate" keys --out "$WORK/keys" --mode public-key >/dev/null

echo "binary: $(stat -c %s "$BIN/webhook" | awk '{printf "%.1f MiB", $1/1048576}'), linked against: $(ldd "$BIN/webhook" | awk '{print $1}' | tr '\n' ' ')" >&2
python3 "$HERE/bench.py" --webhook "$BIN/webhook" --simulate "$BIN/wxpay-simulate" \
    --python-script "$HERE/wechatpayv3_webhook.py" --keys "$WORK/keys" -n "$N" ${JSON_OUT:+--json "$JSON_OUT"}
