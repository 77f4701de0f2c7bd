#!/usr/bin/env bash
# make demo: the whole payment story against the local emulator, each step's JSON shown.
#   create an intent (from a recorded tool call) -> pay it in the emulator -> the emulator POSTs the signed,
#   encrypted notification to POST /webhook of wxpay-server -> poll status -> partial refund with a reason
#   summarized from a conversation -> score a batch with risk-batch -> reconcile today's bill against the events.
# Ports: EMU_PORT (default 8780) and FRONT_PORT (default 8781). A default port that another program holds is
# replaced by the next free one; a port you set yourself must be free, or the demo stops and says so.
# DEMO_DIR (default .demo) receives the key set, logs, events and the risk store (risk.db, WXPAY_RISK_STORE).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${WXPAY_BIN_DIR:-$(swift build --show-bin-path)}
DEMO=${DEMO_DIR:-.demo}
rm -rf "$DEMO" && mkdir -p "$DEMO"
DEMO=$(cd "$DEMO" && pwd)

port_busy() { # PORT: whether something already listens on (or holds) 127.0.0.1:PORT
    if command -v python3 >/dev/null; then
        python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$1"
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

pick_port() { # VAR DEFAULT [TAKEN]: VAR as set (it must be free), else DEFAULT or the next free port after it
    local var=$1 default=$2 taken=${3:-} port=${!1:-}
    if [ -n "$port" ]; then
        if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
            echo "make demo: $var=$port is not a port number (1-65535)." >&2
            exit 1
        fi
        if [ "$port" = "$taken" ] || port_busy "$port"; then
            echo "make demo: port $port ($var) is already in use on 127.0.0.1." >&2
            echo "  Choose another port, e.g. '$var=$((port + 100)) make demo', or leave $var unset and the demo picks a free one." >&2
            exit 1
        fi
    else
        port=$default
        while [ "$port" = "$taken" ] || port_busy "$port"; do
            port=$((port + 1))
            if [ "$port" -gt $((default + 200)) ]; then
                echo "make demo: no free port in $default-$((default + 200)); set $var to a free port." >&2
                exit 1
            fi
        done
        if [ "$port" != "$default" ]; then
            echo "make demo: port $default is in use; using $var=$port (set $var to choose another)." >&2
        fi
    fi
    printf -v "$var" '%s' "$port"
}
pick_port EMU_PORT 8780
pick_port FRONT_PORT 8781 "$EMU_PORT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_listening() { # FILE PORT VAR: the listening line of the server logging to FILE, which should be on PORT
    for _ in $(seq 1 100); do grep -q listening "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "make demo: $(basename "${1%.out}") did not start on 127.0.0.1:$2:" >&2; cat "${1%.out}.err" >&2 || true
    echo "  If port $2 is in use, choose another with $3=<port>, or leave $3 unset and the demo picks a free one." >&2
    exit 1
}

step "1. Local key set and secrets file (wxpay-emulator init)"
"$BIN/wxpay-emulator" init --out "$DEMO" --port "$EMU_PORT" --notify-url "http://127.0.0.1:$FRONT_PORT/webhook" | jq .
export WXPAY_SECRETS_FILE="$DEMO/secrets.json"
# The hosted payment page (docs/server.md#the-payment-page): confirmation_url points at wxpay-server's GET /pay/...
jq --arg url "http://127.0.0.1:$FRONT_PORT" --arg key "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    '.public_url = $url | .page_key = $key | .merchant_name = "Yunnan Beans 云南咖啡"' "$DEMO/secrets.json" >"$DEMO/s.tmp"
chmod 600 "$DEMO/s.tmp" && mv "$DEMO/s.tmp" "$DEMO/secrets.json"
export WXPAY_EVENTS_FILE="$DEMO/events.ndjson"
# The risk store (docs/risk-store.md): webhook, refund and risk-batch share payer history across processes.
export WXPAY_RISK_STORE="sqlite:$DEMO/risk.db"
# The demo runs debug builds, several times slower than release ones: a deadline of 200 ms instead of the default
# 5 ms keeps a busy machine from turning the demo's history into `history_unavailable`.
export WXPAY_RISK_STORE_TIMEOUT_MS="${WXPAY_RISK_STORE_TIMEOUT_MS:-200}"

step "2. Start the emulator (:$EMU_PORT) and wxpay-server with POST /webhook and GET /pay (:$FRONT_PORT)"
"$BIN/wxpay-emulator" serve --sandbox "$DEMO/sandbox.json" --notify-backoff 0.2,0.5,1 \
    --refund-delay 0.5 >"$DEMO/emulator.out" 2>"$DEMO/emulator.err" &
pids+=($!)
"$BIN/wxpay-server" --host 127.0.0.1 --port "$FRONT_PORT" --routes webhook,pay,healthz,metrics \
    >"$DEMO/front.out" 2>"$DEMO/front.err" &
pids+=($!)
wait_listening "$DEMO/emulator.out" "$EMU_PORT" EMU_PORT; wait_listening "$DEMO/front.out" "$FRONT_PORT" FRONT_PORT
cat "$DEMO/emulator.out" "$DEMO/front.out"

step "3. The agent calls create_payment_intent (recorded tool call -> create-intent)"
jq . scripts/demo/toolcall.json
"$BIN/create-intent" < scripts/demo/toolcall.json 2>>"$DEMO/functions.log" | tee "$DEMO/intent-message.json" | jq .
INTENT=$(jq -r '.content | fromjson | .intent_id' "$DEMO/intent-message.json")
echo "intent_id: $INTENT"
PAGE=$(jq -r '.content | fromjson | .confirmation_url' "$DEMO/intent-message.json")
echo "confirmation page: $PAGE (HTTP $(curl -s -o /dev/null -w '%{http_code}' -A 'MicroMessenger' "$PAGE"); open it while the demo runs)"

step "4. The same tool call again (LLM retry): the same intent, replayed, no second order"
"$BIN/create-intent" < scripts/demo/toolcall.json 2>>"$DEMO/functions.log" | jq '.content | fromjson | {intent_id, replayed, status}'
curl -s "127.0.0.1:$EMU_PORT/_emulator/orders" | jq '{orders: [.orders[]? // .[]? | .out_trade_no]}'

step "5. The user pays in WeChat (emulator control API)"
curl -s -XPOST "127.0.0.1:$EMU_PORT/_emulator/orders/$INTENT/pay" -d '{}' | jq '{notified, trade_state: .order.trade_state, transaction_id: .order.transaction_id}'

step "6. WeChat notifies: emulator -> wxpay-server POST /webhook (verify, decrypt, risk) -> events file"
for _ in $(seq 1 50); do [ -s "$WXPAY_EVENTS_FILE" ] && break; sleep 0.1; done
head -n 1 "$WXPAY_EVENTS_FILE" | jq .

step "7. The agent asks \"did it go through?\" (intent-status, wait up to 10 s)"
echo "{\"idempotency_key\": \"thread_demo_2026_11_23\", \"wait\": 10}" | "$BIN/intent-status" 2>>"$DEMO/functions.log" | jq .

step "8. Partial refund (5.00 CNY) with a reason summarized from the conversation"
jq -n --arg id "$INTENT" --slurpfile c scripts/demo/conversation.json \
    '{intent_id: $id, amount: 500, idempotency_key: "thread_demo_2026_11_23/refund-1", conversation: $c[0]}' \
    | "$BIN/refund" 2>>"$DEMO/functions.log" | tee "$DEMO/refund.json" | jq .
echo "risk store: the refund process found the payment the webhook process recorded:"
jq -c '[.risk.reasons[]? | select(.rule == "refund_soon_after_payment" or .rule == "history_unavailable")]' "$DEMO/refund.json"
sleep 1.2
echo "refund notification handed on by webhook:"
tail -n 1 "$WXPAY_EVENTS_FILE" | jq '{type, out_refund_no, refund_status, amount, risk}'

step "9. Fraud shield: risk-batch over a small stream (one answer per line, in order; summary on stderr)"
"$BIN/risk-batch" < scripts/demo/batch.ndjson 2>"$DEMO/risk-summary.json" | jq -c .
jq -c . "$DEMO/risk-summary.json" 2>/dev/null || cat "$DEMO/risk-summary.json"

step "10. Reconcile today's bill against the events (download-bill | reconcile)"
# The bill's day is the payment's China-time date, from the emulator's books (not the clock: the demo may run across
# midnight in China). download-bill checks the file's SHA-1 before printing a row; reconcile exits 1 on a difference.
BILL_DATE=$(curl -s "127.0.0.1:$EMU_PORT/_emulator/orders/$INTENT" | jq -r '.success_time[0:10]')
"$BIN/download-bill" --bill-date "$BILL_DATE" 2>>"$DEMO/functions.log" | tee "$DEMO/bill.ndjson" \
    | "$BIN/reconcile" --events "$WXPAY_EVENTS_FILE" | tee "$DEMO/reconcile.ndjson" | jq -c .
jq -c 'select(.summary == null) | {record, out_trade_no, out_refund_no, order_amount, refund_amount, fee}' "$DEMO/bill.ndjson"
tail -n 1 "$DEMO/reconcile.ndjson" | jq -e .summary.clean >/dev/null && echo "reconciled: clean"

step "Done. Files in $DEMO/: secrets.json (test keys), events.ndjson, risk.db (the risk store), bill.ndjson, reconcile.ndjson, emulator/front/function logs."
