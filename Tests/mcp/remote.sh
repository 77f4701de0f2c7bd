#!/usr/bin/env bash
# Tests/mcp/remote.sh: wxpay-server's remote MCP endpoint (/mcp, Streamable HTTP) against a local emulator, driven by
# an independent client (the Python `mcp` package): bearer protection, the five tools, idempotency shared with the
# executables. The emulator's own count of orders is the oracle for "one order per key".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../examples/sandbox.sh"
python3 -c 'import mcp' 2>/dev/null || python3 -m pip install -q mcp 2>/dev/null \
    || python3 -m pip install -q --break-system-packages mcp
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
secrets=$(mktemp)
jq --arg t "$token" '.server_tokens = [$t]' "$WXPAY_SECRETS_FILE" >"$secrets"
chmod 600 "$secrets"
export WXPAY_SECRETS_FILE=$secrets
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$BIN/wxpay-server" --host 127.0.0.1 --port "$port" --routes mcp,healthz >"$log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -f "$secrets" "$log"; }
trap 'cleanup; kill "${sandbox_pid:-}" 2>/dev/null; rm -rf "${sandbox_dir:-/nonexistent}"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "wxpay-server did not start:" >&2; cat "$log" >&2; exit 1; }
before=$(curl -s "$EMU/_emulator/stats" | jq .orders_created)
python3 "$here/remote_client.py" "http://127.0.0.1:$port/mcp" "$token" "$BIN/create-intent"
after=$(curl -s "$EMU/_emulator/stats" | jq .orders_created)
if [ "$((after - before))" -ne 1 ]; then
    echo "FAILED - one idempotency key through /mcp (twice) and create-intent made $((after - before)) orders" >&2
    exit 1
fi
echo "ok - the emulator counts exactly one order for the key used over /mcp and by create-intent"
