#!/usr/bin/env bash
# examples/pay.sh: the whole payment with the functions chained by jq, as an agent's tool runner would do it:
#   create (from an OpenAI tool call) -> the same call again (a retried tool call: same intent, no second order)
#   -> the user pays (emulator control API) -> status with wait -> partial refund with the user's reason.
# Runs against a fresh local emulator (examples/sandbox.sh), or your own with EMU and WXPAY_SECRETS_FILE set.
set -euo pipefail
source "$(dirname "$0")/sandbox.sh"
KEY="thread-$(date +%s)-$RANDOM"

step "1. The model calls create_payment_intent; create-intent answers with the tool message"
CALL=$(jq -cn --arg k "$KEY" '{id: "call_1", type: "function", function: {name: "create_payment_intent",
    arguments: ({amount: 1999, description: "Annual plan, Acme Notes", idempotency_key: $k,
                 client: {in_wechat: false, mobile: false}} | tojson)}}')
MESSAGE=$("$BIN/create-intent" <<<"$CALL")
jq . <<<"$MESSAGE"
INTENT=$(jq -r '.content | fromjson | .intent_id' <<<"$MESSAGE")
jq '.content | fromjson' <<<"$MESSAGE" | expect "a native intent waiting for the user" \
    '.status == "requires_confirmation" and .channel == "native" and (.confirmation_url | startswith("weixin://"))' >/dev/null

step "2. The same tool call again (the model retried): the same intent, replayed"
"$BIN/create-intent" <<<"$CALL" | jq '.content | fromjson | {intent_id, replayed}' \
    | expect "same intent, replayed" ".intent_id == \"$INTENT\" and .replayed == true"

step "3. The user scans the QR code and pays (emulator control API)"
curl -s -XPOST "$EMU/_emulator/orders/$INTENT/pay" -d '{}' | jq '{notified, trade_state: .order.trade_state}'

step "4. intent-status, waiting up to 10 s for a final state"
jq -cn --arg id "$INTENT" '{intent_id: $id, wait: 10}' | "$BIN/intent-status" \
    | expect "paid" '.status == "succeeded" and (.transaction_id | length) > 0'

step "5. refund 5.00 CNY with the reason as the user said it"
jq -cn --arg id "$INTENT" --arg k "$KEY/refund-1" \
    '{intent_id: $id, amount: 500, idempotency_key: $k, reason: "I was charged twice for the same plan"}' \
    | "$BIN/refund" | expect "refund accepted" '(.status == "processing" or .status == "succeeded") and .amount == 500 and .total_amount == 1999'
