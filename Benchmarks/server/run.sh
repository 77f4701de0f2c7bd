#!/usr/bin/env bash
# Benchmarks/server/run.sh — wrk on loopback against POST /webhook with real signed notifications, at 1, 8 and 64
# connections, wxpay-server (release build) side by side with FastAPI + uvicorn + wechatpayv3 doing the same
# verify, decrypt and hand-off. Prints the table README.md shows; the raw figures go to $OUT/server-bench.json.
#   Benchmarks/server/run.sh [SECONDS_PER_RUN]      (default 10)
# The events files go to /dev/shm; WXPAY_BENCH_DIR=/some/dir/on/a/disk puts them there (fsync then costs something).
# Needs: wrk (Debian package, in APT_PACKAGES), python3 with fastapi, uvicorn, wechatpayv3 (make deps).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=${WXPAY_RELEASE_SCRATCH:-$ROOT/.build-release}
OUT=${WXPAY_OUT:-$ROOT/out}
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing: make deps (or apt-get install wrk)" >&2; exit 1; }
python3 -c 'import fastapi, uvicorn, wechatpayv3' 2>/dev/null \
  || { echo "python3 needs fastapi, uvicorn, wechatpayv3: make deps" >&2; exit 1; }
for product in wxpay-server wxpay-simulate; do
    (cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" --static-swift-stdlib -Xswiftc -use-ld=lld \
        -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --gc-sections --product "$product") >/dev/null
done
exec python3 "$ROOT/Benchmarks/server/bench.py" "$SCRATCH/release" "${1:-10}" "$OUT/server-bench.json"
