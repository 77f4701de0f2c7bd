#!/usr/bin/env bash
# wrk on loopback against POST /webhook with real signed notifications, at 1, 8 and 64 connections: wxpay-server
# (release build) side by side with FastAPI + uvicorn + wechatpayv3 doing the same verify, decrypt and hand-off.
# Usage: Benchmarks/server/run.sh [--duration S] [--connections 1,8,64] [--events-dir DIR]
# The events files go to /dev/shm by default: on this machine's disk one fsync takes about 5 ms, which would bound
# both sides alike (serialized under the lock) and measure the disk; pass --events-dir to measure on a disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install -y wrk; make deps installs it)" >&2; exit 1; }
python3 -c 'import fastapi, uvicorn, wechatpayv3' 2>/dev/null || python3 -m pip install -q fastapi uvicorn wechatpayv3
swift build -c release --product wxpay-server >/dev/null
swift build -c release --product wxpay-simulate >/dev/null
exec python3 Benchmarks/server/bench.py "$(swift build -c release --show-bin-path)" "$@"
