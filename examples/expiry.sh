#!/usr/bin/env bash
# examples/expiry.sh: what an agent does when the user lets a payment intent expire.
#   create -> the window passes (here: the emulator control API expires the order) -> the agent calls again with
#   the same key and learns "expired"/"closed" with next_action -> re-prompt: the user agrees, the agent creates
#   attempt 2 -> the user pays -> status succeeded.  Then the other policy: next_action "fallback_link", where one
#   call returns a fresh native link (attempt N+1) to offer at once.
set -euo pipefail
source "$(dirname "$0")/sandbox.sh"
KEY="thread-$(date +%s)-$RANDOM"
ORDER=$(jq -cn --arg k "$KEY" '{amount: 2500, description: "Oolong tea, 100 g", idempotency_key: $k, channel: "native"}')

step "1. create the intent"
INTENT=$("$BIN/create-intent" <<<"$ORDER" | expect "attempt 1 created" '.status == "requires_confirmation" and .attempt == 1' | jq -r .intent_id)

step "2. the user walks away; the payment window passes (emulator: expire the order)"
curl -s -XPOST "$EMU/_emulator/orders/$INTENT/expire" -d '{}' | jq '{trade_state: .order.trade_state}'

step "3. the user comes back; the agent calls create_payment_intent again with the same key"
NEXT=$("$BIN/create-intent" <<<"$ORDER" \
    | expect "can no longer be paid; next_action says re-prompt with attempt 2" \
        '(.status == "expired" or .status == "closed") and .next_action.type == "reprompt" and .next_action.attempt == 2')
jq . <<<"$NEXT"
ATTEMPT=$(jq .next_action.attempt <<<"$NEXT")

step "4. re-prompt: the user says yes; the agent creates attempt $ATTEMPT"
INTENT2=$(jq -c --argjson n "$ATTEMPT" '. + {attempt: $n}' <<<"$ORDER" | "$BIN/create-intent" \
    | expect "attempt 2 is a new intent" ".status == \"requires_confirmation\" and .attempt == 2 and .intent_id != \"$INTENT\"" \
    | jq -r .intent_id)

step "5. the user pays attempt 2; status by the conversation's key reports the latest attempt"
curl -s -XPOST "$EMU/_emulator/orders/$INTENT2/pay" -d '{}' >/dev/null
jq -cn --arg k "$KEY" '{idempotency_key: $k, wait: 10}' | "$BIN/intent-status" \
    | expect "attempt 2 succeeded" ".status == \"succeeded\" and .intent_id == \"$INTENT2\""

step "6. the other policy: on_expiry fallback_link returns a fresh link in one call"
KEY2="$KEY-b"
ORDER2=$(jq -c --arg k "$KEY2" '.idempotency_key = $k' <<<"$ORDER")
FIRST=$("$BIN/create-intent" <<<"$ORDER2" | jq -r .intent_id)
curl -s -XPOST "$EMU/_emulator/orders/$FIRST/expire" -d '{}' >/dev/null
jq -c '. + {on_expiry: "fallback_link"}' <<<"$ORDER2" | "$BIN/create-intent" \
    | expect "fallback link for attempt 2" \
        '.next_action.type == "fallback_link" and .next_action.attempt == 2 and (.next_action.url | startswith("weixin://"))' \
    | jq '{status, next_action: {type: .next_action.type, attempt: .next_action.attempt, url: .next_action.url}}'
