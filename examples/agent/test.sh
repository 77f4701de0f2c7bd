#!/usr/bin/env bash
# examples/agent/test.sh: the shell agent loop end to end, offline.
#
# Starts the WeChat Pay emulator and the scripted OpenAI-compatible stub (stub_llm.py), runs agent.sh on
# conversation.json (an openid, a phone number and an order number in it), and checks:
#   - the intent was created on the emulator, re-created as attempt 2 after it expired (re-prompt), and can be
#     paid; with AGENT_ON_EXPIRY=fallback_link the loop itself gets a fallback link;
#   - NOTHING the stub received holds a raw identifier (the openid, the phone number, the order number from the
#     conversation, the intent ids the functions created), while the placeholders are there;
#   - the final answer printed by agent.sh has the identifiers restored.
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
BIN=${WXPAY_BIN_DIR:-$(cd "$repo" && swift build --show-bin-path)}
for exe in wxpay-emulator create-intent intent-status close-intent refund refund-status pii-redact pii-restore; do
    [ -x "$BIN/$exe" ] || { echo "test.sh: $BIN/$exe is missing (swift build first)" >&2; exit 2; }
done
for tool in jq curl python3; do command -v "$tool" >/dev/null || { echo "test.sh: $tool is required" >&2; exit 2; }; done

T=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-agent-test.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP_TEST_DIR:-}" = 1 ]; then echo "test.sh: files kept in $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

passed=0 failed=0
check() { # description command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok - $what"; else failed=$((failed + 1)); echo "not ok - $what"; fi
}
wait_line() { # file pattern
    for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "test.sh: nothing matching '$2' in $1" >&2; cat "$1" "${1%.out}.err" >&2 2>/dev/null || true; exit 1
}
wait_file() { for _ in $(seq 1 300); do [ -e "$1" ] && return 0; sleep 0.1; done; echo "test.sh: no $1" >&2; return 1; }

OPENID=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o
PHONE=13800138000
OLD_ORDER=ai3f9a1c0e5b7d2468ace13579-1
for raw in "$OPENID" "$PHONE" "$OLD_ORDER"; do
    grep -q -- "$raw" "$here/conversation.json" || { echo "test.sh: conversation.json lacks $raw" >&2; exit 2; }
done

# --- The emulator, with a merchant secrets file that points at it and has an sm4_key for the privacy proxy.
"$BIN/wxpay-emulator" init --out "$T/emu" --notify-url http://127.0.0.1:9/wxpay/notify >/dev/null
"$BIN/wxpay-emulator" serve --sandbox "$T/emu/sandbox.json" --port 0 --no-deliver >"$T/emulator.out" 2>"$T/emulator.err" &
pids+=($!)
wait_line "$T/emulator.out" listening
EMU=$(head -n 1 "$T/emulator.out" | jq -r .listening)
SM4=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
jq --arg api "$EMU" --arg sm4 "$SM4" '.api_base = $api | .sm4_key = $sm4' "$T/emu/secrets.json" >"$T/secrets.json"
chmod 600 "$T/secrets.json"
export WXPAY_SECRETS_FILE="$T/secrets.json" WXPAY_BIN_DIR="$BIN"

start_stub() { # name script.json -> sets STUB_URL
    python3 "$here/stub_llm.py" --script "$2" --record "$T/$1.requests.ndjson" --api-key test-key \
        --gate-dir "$T" >"$T/$1.stub.out" 2>"$T/$1.stub.err" &
    pids+=($!)
    wait_line "$T/$1.stub.out" listening
    STUB_URL=$(head -n 1 "$T/$1.stub.out" | jq -r .listening)
}
orders_for() { # idempotency key prefix of out_trade_no is not known to the test: select by attach instead
    curl -s "$EMU/_emulator/orders" | jq -c --arg k "$1" '[.orders[] | select((.attach // "") | contains($k))]'
}
expire_latest() { # key
    local no
    no=$(orders_for "$1" | jq -r 'map(select(.trade_state == "NOTPAY")) | last | .out_trade_no')
    curl -s -XPOST "$EMU/_emulator/orders/$no/expire" -d '{}' >/dev/null
}

# ============================================================================================================
# 1. Re-prompt after expiry: create -> (the user waits too long: the test expires the order via the control API)
#    -> status -> create again (expired: next_action reprompt; the loop tells the model) -> attempt 2 -> answer.
# ============================================================================================================
KEY=conv-tea-8842
ARGS=$(jq -cn --arg k "$KEY" '{amount: 1999, description: "Jasmine Silver Needle tea, 250 g", idempotency_key: $k,
    user_openid: "⟦OPENID_1⟧", channel: "jsapi", expires_in: 300}')
jq -n --argjson a "$ARGS" --arg k "$KEY" '{model: "stub-model", steps: [
    {expect_contains: ["⟦OPENID_1⟧", "⟦PHONE_1⟧", "⟦OUT_TRADE_NO_1⟧", "create_payment_intent", "refund_payment"],
     tool_calls: [{name: "create_payment_intent", arguments: $a}]},
    {gate: "expire", expect_contains: ["requires_confirmation", "⟦OUT_TRADE_NO_2⟧"],
     tool_calls: [{name: "get_payment_status", arguments: {idempotency_key: $k}}]},
    {expect_contains: ["closed"], tool_calls: [{name: "create_payment_intent", arguments: $a}]},
    {expect_contains: ["can no longer be paid", "reprompt"],
     tool_calls: [{name: "create_payment_intent", arguments: ($a + {attempt: 2})}]},
    {expect_contains: ["⟦OUT_TRADE_NO_3⟧"],
     content: "Done: a new payment for ¥19.99 is waiting for you in WeChat (order ⟦OUT_TRADE_NO_3⟧). We will text ⟦PHONE_1⟧ once it is paid."}
]}' >"$T/reprompt.script.json"
start_stub reprompt "$T/reprompt.script.json"

( LLM_BASE_URL=$STUB_URL LLM_MODEL=stub-model LLM_API_KEY=test-key AGENT_TRANSCRIPT="$T/reprompt.transcript.json" \
    bash "$here/agent.sh" "$here/conversation.json" >"$T/reprompt.answer" 2>"$T/reprompt.agent.err"; echo $? >"$T/reprompt.rc" ) &
agent=$!
wait_file "$T/expire.waiting"
expire_latest "$KEY"
touch "$T/expire.go"
wait "$agent" || true

check "agent.sh exits 0 (re-prompt run)" test "$(cat "$T/reprompt.rc")" = 0 \
    || { cat "$T/reprompt.agent.err" >&2; }
ORDERS=$(orders_for "$KEY")
INTENT1=$(jq -r 'map(select(.out_trade_no | endswith("-1"))) | .[0].out_trade_no // ""' <<<"$ORDERS")
INTENT2=$(jq -r 'map(select(.out_trade_no | endswith("-2"))) | .[0].out_trade_no // ""' <<<"$ORDERS")
check "the intent was created on the emulator (attempt 1, now closed)" \
    test "$(jq -r --arg n "$INTENT1" 'map(select(.out_trade_no == $n)) | .[0].trade_state' <<<"$ORDERS")" = CLOSED
check "after expiry the model re-prompted and attempt 2 was created (unpaid)" \
    test "$(jq -r --arg n "$INTENT2" 'map(select(.out_trade_no == $n)) | .[0].trade_state' <<<"$ORDERS")" = NOTPAY
check "the attempt-2 order was made for the user's real openid (arguments restored before the function ran)" \
    test "$(jq -r --arg n "$INTENT2" 'map(select(.out_trade_no == $n)) | .[0].payer.openid // ""' <<<"$ORDERS")" = "$OPENID"
check "the final answer has the identifiers restored" \
    grep -q -- "order $INTENT2).*$PHONE" "$T/reprompt.answer"
check "the final answer has no placeholder left" bash -c "! grep -q '⟦' '$T/reprompt.answer'"

REQ=$T/reprompt.requests.ndjson
check "the stub answered 5 model calls, all with the API key and the model name" \
    test "$(jq -s 'map(select(.authorized and .model == "stub-model")) | length' "$REQ.meta")" = 5
check "every model call carried the five tool definitions" \
    test "$(jq -s 'map(.tools | map(.function.name) | sort == ["cancel_payment_intent","create_payment_intent","get_payment_status","get_refund_status","refund_payment"]) | all' "$REQ")" = true
for raw in "$OPENID" "$PHONE" "$OLD_ORDER" "$INTENT1" "$INTENT2"; do
    check "no raw identifier reached the model endpoint: $raw" bash -c "[ -n '$raw' ] && ! grep -qF -- '$raw' '$REQ'"
done
for ph in '⟦OPENID_1⟧' '⟦PHONE_1⟧' '⟦OUT_TRADE_NO_1⟧' '⟦OUT_TRADE_NO_2⟧' '⟦OUT_TRADE_NO_3⟧'; do
    check "the model saw the placeholder $ph" grep -qF -- "$ph" "$REQ"
done
check "the model was told to re-prompt with attempt 2" \
    test "$(sed -n 4p "$REQ" | jq '[.messages[] | select(.role == "system" and (.content | contains("\"attempt\": 2")))] | length')" = 1
check "the local transcript keeps the raw identifiers (never sent)" grep -qF -- "$INTENT2" "$T/reprompt.transcript.json"

# The user pays attempt 2; the agent's status check sees it.
curl -s -XPOST "$EMU/_emulator/orders/$INTENT2/pay" -d "{\"openid\": \"$OPENID\"}" >/dev/null
STATUS=$(jq -cn --arg k "$KEY" '{idempotency_key: $k, wait: 5}' | "$BIN/intent-status" 2>/dev/null | jq -r '.status + " " + .intent_id')
check "after paying, intent-status reports attempt 2 succeeded" test "$STATUS" = "succeeded $INTENT2"

# ============================================================================================================
# 2. Fallback link: create -> expired -> the model calls again -> AGENT_ON_EXPIRY=fallback_link: the loop asks
#    create-intent for a native link (attempt 2) and hands it to the model -> answer.
# ============================================================================================================
KEY2=conv-tea-9001
ARGS2=$(jq -cn --arg k "$KEY2" '{amount: 1999, description: "Jasmine Silver Needle tea, 250 g", idempotency_key: $k,
    user_openid: "⟦OPENID_1⟧", channel: "jsapi"}')
jq -n --argjson a "$ARGS2" '{model: "stub-model", steps: [
    {tool_calls: [{name: "create_payment_intent", arguments: $a}]},
    {gate: "expire2", tool_calls: [{name: "create_payment_intent", arguments: $a}]},
    {expect_contains: ["fallback_link", "weixin://"],
     content: "That payment window closed, so here is a fresh payment link you can open or scan in WeChat."}
]}' >"$T/fallback.script.json"
start_stub fallback "$T/fallback.script.json"
( LLM_BASE_URL=$STUB_URL LLM_MODEL=stub-model LLM_API_KEY=test-key AGENT_ON_EXPIRY=fallback_link \
    bash "$here/agent.sh" "$here/conversation.json" >"$T/fallback.answer" 2>"$T/fallback.agent.err"; echo $? >"$T/fallback.rc" ) &
agent=$!
wait_file "$T/expire2.waiting"
expire_latest "$KEY2"
touch "$T/expire2.go"
wait "$agent" || true

check "agent.sh exits 0 (fallback run)" test "$(cat "$T/fallback.rc")" = 0 || { cat "$T/fallback.agent.err" >&2; }
ORDERS2=$(orders_for "$KEY2")
FALLBACK=$(jq -r 'map(select(.out_trade_no | endswith("-2"))) | .[0] // {}' <<<"$ORDERS2")
check "the loop requested a fallback link: attempt 2 is a native (QR/link) order" \
    test "$(jq -r '.trade_type // ""' <<<"$FALLBACK")" = NATIVE
F1=$(jq -r 'map(select(.out_trade_no | endswith("-1"))) | .[0].out_trade_no // ""' <<<"$ORDERS2")
F2=$(jq -r '.out_trade_no // ""' <<<"$FALLBACK")
for raw in "$OPENID" "$PHONE" "$F1" "$F2"; do
    check "fallback run: no raw identifier reached the model endpoint: $raw" \
        bash -c "[ -n '$raw' ] && ! grep -qF -- '$raw' '$T/fallback.requests.ndjson'"
done
check "the final answer was printed" grep -q "fresh payment link" "$T/fallback.answer"

echo "agent loop: $passed passed, $failed failed"
[ "$failed" = 0 ]
