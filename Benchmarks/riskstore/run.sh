#!/usr/bin/env bash
# Benchmark: what the risk store adds to a notification. The same signed notifications go to three `webhook`
# configurations, one process per notification each: stateless (no WXPAY_RISK_STORE), SQLite (a WAL file in a temp
# dir) and Redis (a redis-server of its own on a free loopback port). Reports medians side by side and the extra
# cost of each store over stateless (target: at most 1 ms).
#
#   Benchmarks/riskstore/run.sh [N]      # N notifications (default 300), from 40 payers
# Then `risk-batch` over BATCH_N transactions (default 20000) in one process per configuration: the store's cost per
# transaction once its library is loaded and its connection open (a warm Lambda, a long-running server).
#
# Environment: N, SCRATCH (release scratch path, default .build-release), JSON_OUT (write raw timings).
set -euo pipefail

N="${1:-${N:-300}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="${SCRATCH:-$ROOT/.build-release}"
cd "$ROOT"

command -v redis-server >/dev/null || { echo "redis-server is not installed (make deps)" >&2; exit 1; }
# The release flags of infra/build.sh: the binary measured is the one shipped.
FLAGS=(--static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --gc-sections
       -Xlinker --icf=all -Xlinker --no-export-dynamic)
echo "building webhook (release, as infra/build.sh) in $SCRATCH, wxpay-simulate (debug: it only prints the events)" >&2
swift build -c release --scratch-path "$SCRATCH" "${FLAGS[@]}" --product webhook >&2
swift build -c release --scratch-path "$SCRATCH" "${FLAGS[@]}" --product risk-batch >&2
swift build --product wxpay-simulate >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" "${FLAGS[@]}" --show-bin-path)"
SIM="$(swift build --show-bin-path)/wxpay-simulate"

WORK="$(mktemp -d /tmp/wxpay-riskstore-bench-XXXXXX)"
REDIS_PID=""
cleanup() { [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
"$SIM" keys --out "$WORK/keys" --mode public-key >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$WORK/redis"
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" --appendonly no --daemonize no \
    --loglevel warning >"$WORK/redis/log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.1)" 2>/dev/null && break
    sleep 0.05
done

status=0
python3 "$HERE/bench.py" --webhook "$BIN/webhook" --simulate "$SIM" --keys "$WORK/keys" -n "$N" \
    --sqlite "$WORK/risk.db" --redis "redis://127.0.0.1:$PORT/0" ${JSON_OUT:+--json "$JSON_OUT"} || status=$?
# The same stores inside one process (a warm Lambda, a server): the cost per transaction once connected.
python3 "$HERE/batch.py" --risk-batch "$BIN/risk-batch" --sqlite-dir "$WORK" --redis "redis://127.0.0.1:$PORT" \
    -n "${BATCH_N:-20000}"
exit $status
