#!/usr/bin/env bash
# Interoperability test: the Python SDK `wechatpayv3` drives the running wxpay-emulator.
#
#   Tests/interop/run.sh                          # uses <package>/.build/debug/wxpay-emulator
#   WXPAY_BIN_DIR=.build-x/debug Tests/interop/run.sh
#
# Builds nothing: build the emulator and download-certificates first
# (swift build --product wxpay-emulator; swift build --product download-certificates).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export WXPAY_BIN_DIR="${WXPAY_BIN_DIR:-$root/.build/debug}"
if [ ! -x "$WXPAY_BIN_DIR/wxpay-emulator" ]; then
    echo "wxpay-emulator is not built in $WXPAY_BIN_DIR (swift build --product wxpay-emulator)" >&2
    exit 1
fi
python="${PYTHON:-python3}"
if ! "$python" -c 'import wechatpayv3, pytest' 2>/dev/null; then
    "$python" -m pip install --quiet wechatpayv3 pytest
fi
cd "$here"
exec "$python" -m pytest -q -p no:cacheprovider test_wechatpayv3_interop.py "$@"
