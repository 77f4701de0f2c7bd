#!/usr/bin/env bash
# examples/redact.sh: what leaves for a model hosted outside China, and how identifiers come back.
#   pii-redact a conversation -> (the model answers with placeholders) -> pii-restore the answer.
set -euo pipefail
source "$(dirname "$0")/sandbox.sh"
CONVERSATION=$(jq -c .messages "$(dirname "$0")/agent/conversation.json")

step "1. pii-redact: placeholders instead of identifiers; the mapping is sealed with the merchant's sm4_key"
REDACTED=$(jq -cn --argjson m "$CONVERSATION" '{json: $m}' | "$BIN/pii-redact")
jq '{json, counts}' <<<"$REDACTED"
jq -c .json <<<"$REDACTED" | expect "no raw openid or phone leaves" \
    'tostring | (contains("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o") or contains("13800138000")) | not' >/dev/null

step "2. the model answers in placeholders; pii-restore puts the identifiers back"
jq -c '{text: "I will text ⟦PHONE_1⟧ once the payment for ⟦OPENID_1⟧ arrives.", mapping}' <<<"$REDACTED" \
    | "$BIN/pii-restore" | expect "restored" '.text | contains("13800138000") and contains("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")'

step "3. a tampered mapping is refused whole (exit 77), never partly applied"
set +e
jq -c '{text: "⟦PHONE_1⟧", mapping: (.mapping | .[0:-4] + "AAAA")}' <<<"$REDACTED" | "$BIN/pii-restore" >/dev/null 2>&1
status=$?
set -e
[ "$status" = 77 ] && echo "ok - tampered mapping refused (exit 77)" >&2 || { echo "FAILED - exit $status" >&2; exit 1; }
