#!/usr/bin/env bash
# scripts/test-demo.sh: `make demo` when its usual ports are taken.
#   1. With 127.0.0.1:8780 and :8781 held by another program, the demo picks free ports, says which, and runs to the
#      end (a payment event and a refund event handed on, the risk batch scored).
#   2. A port the user asks for that is taken (EMU_PORT=8780) stops the demo at once with a message naming the port
#      and how to choose another; nothing else is started.
# Needs the debug build (WXPAY_BIN_DIR, else `swift build --show-bin-path`), jq, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export WXPAY_BIN_DIR="${WXPAY_BIN_DIR:-$(swift build --show-bin-path)}"
work=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-demo-test.XXXXXX")
holders=()
cleanup() {
    for p in "${holders[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAILED - $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok - $*"; }

# hold PORT: listen on 127.0.0.1:PORT until killed (if another program already holds it, it is taken all the same).
hold() {
    python3 -c 'import socket, sys, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen(16)
    print("held", flush=True)
except OSError:
    print("taken by another program", flush=True)
    sys.exit(0)
while True:
    time.sleep(60)' "$1" >"$work/hold-$1" 2>&1 &
    holders+=($!)
    for _ in $(seq 1 50); do [ -s "$work/hold-$1" ] && break; sleep 0.1; done
    echo "port $1: $(cat "$work/hold-$1")"
}
hold 8780
hold 8781

# 1. Default ports taken: free ones are picked and the whole story runs.
if env -u EMU_PORT -u FRONT_PORT DEMO_DIR="$work/demo" bash scripts/demo.sh >"$work/demo.out" 2>"$work/demo.err"; then
    ok "the demo ran to the end with 8780 and 8781 taken"
else
    fail "the demo failed with 8780 and 8781 taken (exit $?)"
    tail -n 40 "$work/demo.out" "$work/demo.err" >&2
fi
grep -q "port 8780 is in use; using EMU_PORT=" "$work/demo.err" \
    && ok "it says which port it uses instead of 8780" || fail "no notice of the port used instead of 8780"
grep -q "port 8781 is in use; using FRONT_PORT=" "$work/demo.err" \
    && ok "it says which port it uses instead of 8781" || fail "no notice of the port used instead of 8781"
emu=$(head -n 1 "$work/demo/emulator.out" 2>/dev/null | jq -r '.listening // empty' 2>/dev/null || true)
api=$(jq -r '.api_base // empty' "$work/demo/secrets.json" 2>/dev/null || true)
if [ -n "$emu" ] && [ "$emu" = "$api" ] && [ "$emu" != "http://127.0.0.1:8780" ]; then
    ok "the emulator listened where the secrets file points ($emu)"
else
    fail "emulator listening '$emu', api_base '$api'"
fi
types=$(jq -r '.type' "$work/demo/events.ndjson" 2>/dev/null | sort -u | tr '\n' ' ' || true)
case "$types" in
    *payment.success*refund*|*refund*payment.success*) ok "payment and refund events were handed on ($types)" ;;
    *) fail "events handed on: '$types'" ;;
esac
grep -q 'confirmation page: http://127.0.0.1:[0-9]*/pay/ai[0-9a-f]*-1?t=[A-Za-z0-9._-]* (HTTP 200;' "$work/demo.out" \
    && ok "the demo printed its intent's confirmation page, which answered 200" \
    || fail "the demo printed no working confirmation page URL"
grep -q '== Done.' "$work/demo.out" && ok "the demo printed its last step" || fail "the demo did not reach its last step"
grep -q 'reconciled: clean' "$work/demo.out" && [ "$(tail -n 1 "$work/demo/reconcile.ndjson" | jq -r .summary.matched)" = 2 ] \
    && ok "today's bill reconciled clean against the events (payment and refund matched)" || fail "the bill did not reconcile clean"

# 2. A requested port that is taken: a plain message, exit non-zero, nothing started.
if EMU_PORT=8780 DEMO_DIR="$work/demo2" bash scripts/demo.sh >"$work/busy.out" 2>"$work/busy.err"; then
    fail "EMU_PORT=8780 (taken) was accepted"
else
    ok "EMU_PORT=8780 (taken) stops the demo"
fi
grep -q "port 8780 (EMU_PORT) is already in use" "$work/busy.err" && grep -q "EMU_PORT=8880 make demo" "$work/busy.err" \
    && ok "the message names the port and how to choose another" || { fail "unclear message:"; cat "$work/busy.err" >&2; }
[ ! -e "$work/demo2/emulator.out" ] && ok "nothing was started" || fail "the emulator was started anyway"

if [ "$failures" -gt 0 ]; then
    echo "test-demo: $failures failed" >&2
    exit 1
fi
echo "test-demo: all passed"
