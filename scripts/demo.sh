#!/usr/bin/env bash
# make demo: the whole payment story against the local emulator, each step's JSON shown.
#   create an intent (from a recorded tool call) -> pay it in the emulator -> the emulator POSTs the signed,
#   encrypted notification to webhook (behind wxpay-http-front) -> poll status -> partial refund with a reason
#   summarized from a conversation -> score a batch with risk-batch.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${WXPAY_BIN_DIR:-$(swift build --show-bin-path)}
DEMO=.demo
EMU_PORT=${EMU_PORT:-8780}
FRONT_PORT=${FRONT_PORT:-8781}
rm -rf "$DEMO" && mkdir -p "$DEMO"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_listening() { # file
    for _ in $(seq 1 100); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "did not start: $1" >&2; cat "${1%.out}.err" >&2 || true; exit 1
}

step "1. Local key set and secrets file (wxpay-emulator init)"
"$BIN/wxpay-emulator" init --out "$DEMO" --port "$EMU_PORT" --notify-url "http://127.0.0.1:$FRONT_PORT/wxpay/notify" | jq .
export WXPAY_SECRETS_FILE="$PWD/$DEMO/secrets.json"
export WXPAY_EVENTS_FILE="$PWD/$DEMO/events.ndjson"

step "2. Start the emulator (:$EMU_PORT) and webhook behind wxpay-http-front (:$FRONT_PORT)"
"$BIN/wxpay-emulator" serve --sandbox "$DEMO/sandbox.json" --port "$EMU_PORT" --notify-backoff 0.2,0.5,1 \
    --refund-delay 0.5 >"$DEMO/emulator.out" 2>"$DEMO/emulator.err" &
pids+=($!)
"$BIN/wxpay-http-front" --host 127.0.0.1 --port "$FRONT_PORT" --function "$BIN/webhook" \
    >"$DEMO/front.out" 2>"$DEMO/front.err" &
pids+=($!)
wait_listening "$DEMO/emulator.out"; wait_listening "$DEMO/front.out"
cat "$DEMO/emulator.out" "$DEMO/front.out"

step "3. The agent calls create_payment_intent (recorded tool call -> create-intent)"
jq . scripts/demo/toolcall.json
"$BIN/create-intent" < scripts/demo/toolcall.json 2>>"$DEMO/functions.log" | tee "$DEMO/intent-message.json" | jq .
INTENT=$(jq -r '.content | fromjson | .intent_id' "$DEMO/intent-message.json")
echo "intent_id: $INTENT"

step "4. The same tool call again (LLM retry): the same intent, replayed, no second order"
"$BIN/create-intent" < scripts/demo/toolcall.json 2>>"$DEMO/functions.log" | jq '.content | fromjson | {intent_id, replayed, status}'
curl -s "127.0.0.1:$EMU_PORT/_emulator/orders" | jq '{orders: [.orders[]? // .[]? | .out_trade_no]}'

step "5. The user pays in WeChat (emulator control API)"
curl -s -XPOST "127.0.0.1:$EMU_PORT/_emulator/orders/$INTENT/pay" -d '{}' | jq '{notified, trade_state: .order.trade_state, transaction_id: .order.transaction_id}'

step "6. WeChat notifies: emulator -> wxpay-http-front -> webhook (verify, decrypt, risk) -> events file"
for _ in $(seq 1 50); do [ -s "$WXPAY_EVENTS_FILE" ] && break; sleep 0.1; done
head -n 1 "$WXPAY_EVENTS_FILE" | jq .

step "7. The agent asks \"did it go through?\" (intent-status, wait up to 10 s)"
echo "{\"idempotency_key\": \"thread_demo_2026_11_23\", \"wait\": 10}" | "$BIN/intent-status" 2>>"$DEMO/functions.log" | jq .

step "8. Partial refund (5.00 CNY) with a reason summarized from the conversation"
jq -n --arg id "$INTENT" --slurpfile c scripts/demo/conversation.json \
    '{intent_id: $id, amount: 500, idempotency_key: "thread_demo_2026_11_23/refund-1", conversation: $c[0]}' \
    | "$BIN/refund" 2>>"$DEMO/functions.log" | jq .
sleep 1.2
echo "refund notification handed on by webhook:"
tail -n 1 "$WXPAY_EVENTS_FILE" | jq '{type, out_refund_no, refund_status, amount, risk}'

step "9. Fraud shield: risk-batch over a small stream (one answer per line, in order; summary on stderr)"
"$BIN/risk-batch" < scripts/demo/batch.ndjson 2>"$DEMO/risk-summary.json" | jq -c .
jq -c . "$DEMO/risk-summary.json" 2>/dev/null || cat "$DEMO/risk-summary.json"

step "Done. Files in $DEMO/: secrets.json (test keys), events.ndjson, emulator/front/function logs."
