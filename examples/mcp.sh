#!/usr/bin/env bash
# examples/mcp.sh: one MCP session with wxpay-mcp by hand (what Claude Desktop or any MCP host does):
#   initialize -> notifications/initialized -> tools/list -> tools/call create_payment_intent -> tools/call with a
#   bad argument (an isError result carrying the error object).  stdout of wxpay-mcp is the MCP channel.
set -euo pipefail
source "$(dirname "$0")/sandbox.sh"
KEY="thread-$(date +%s)-$RANDOM"
ANSWERS=$(mktemp)
{
    echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcp.sh","version":"1"}}}'
    echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    echo '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
    jq -cn --arg k "$KEY" '{jsonrpc: "2.0", id: 3, method: "tools/call", params: {name: "create_payment_intent",
        arguments: {amount: 1999, description: "Annual plan", idempotency_key: $k, channel: "native"}}}'
    echo '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"create_payment_intent","arguments":{"amount":"ten"}}}'
    sleep 3   # let the answers come back before closing stdin (the host going away ends the server)
} | WXPAY_MCP_DISABLE=refund_payment "$BIN/wxpay-mcp" 2>/dev/null >"$ANSWERS"

step "initialize"
jq -c 'select(.id == 1) | .result | {protocolVersion, serverInfo, capabilities}' "$ANSWERS" \
    | expect "tools capability" '.capabilities.tools != null'
step "tools/list (refund_payment switched off with WXPAY_MCP_DISABLE)"
jq -c 'select(.id == 2) | [.result.tools[].name]' "$ANSWERS" \
    | expect "four tools" '. == ["create_payment_intent","get_payment_status","cancel_payment_intent","get_refund_status"]'
step "tools/call create_payment_intent"
jq -c 'select(.id == 3) | .result | {isError, intent: (.structuredContent | {intent_id, status, confirmation_url})}' "$ANSWERS" \
    | expect "created" '.isError == false and .intent.status == "requires_confirmation"'
step "tools/call with a bad argument"
jq -c 'select(.id == 4) | .result | {isError, structuredContent}' "$ANSWERS" \
    | expect "isError with the error object" '.isError == true and .structuredContent.error.code == "INVALID_FIELD"'
rm -f "$ANSWERS"
