#!/usr/bin/env bash
# agent.sh: a payment-taking chat agent in bash + jq + curl, for any OpenAI-compatible chat endpoint.
#
#   LLM_BASE_URL=http://127.0.0.1:4000/v1 LLM_MODEL=qwen-plus LLM_API_KEY=... \
#   WXPAY_SECRETS_FILE=/run/secrets/wxpay.json  examples/agent/agent.sh conversation.json
#
# conversation.json: {"messages": [{"role": "user", "content": "..."}, ...]} or a bare array of messages.
# Prints the model's final answer (identifiers restored) on stdout; progress goes to stderr.
#
# Each turn:
#   1. the whole local conversation is redacted with pii-redact (openids, phone numbers, order and transaction
#      numbers, ... become placeholders such as ⟦OPENID_1⟧; the sealed mapping carries on from turn to turn so a
#      placeholder always means the same identifier) and POSTed to $LLM_BASE_URL/chat/completions with the tool
#      definitions of functions/tools.json;
#   2. the answer is restored with pii-restore; for each tool call the matching function executable
#      (create-intent, intent-status, close-intent, refund, refund-status) gets the tool call object on stdin and prints the tool
#      message, which is appended to the local conversation;
#   3. a tool result carrying "next_action" (the intent expired or was closed) is acted on: with
#      AGENT_ON_EXPIRY=reprompt (default) the model is told to ask the user again and to create the next attempt;
#      with AGENT_ON_EXPIRY=fallback_link the loop itself asks create-intent for a fallback link (a native QR / h5
#      link, attempt N+1) and hands that to the model;
#   4. until the model answers with text.
# Nothing but placeholders ever leaves for the model endpoint; raw identifiers stay in a private temporary
# directory (mode 700) that is removed at exit.
#
# Environment:
#   LLM_BASE_URL     required, the OpenAI-compatible base URL (".../v1"); /chat/completions is appended
#   LLM_MODEL        required, the model name as the endpoint knows it
#   LLM_API_KEY      optional, sent as "Authorization: Bearer ..."
#   LLM_HEADERS      optional, extra request headers, one "Name: value" per line (e.g. x-portkey-api-key: ...)
#   LLM_TIMEOUT      seconds per model call (default 120)
#   WXPAY_SECRETS_FILE  the secrets file (needs sm4_key for pii-redact/pii-restore)
#   WXPAY_BIN_DIR    where the built executables are (default: `swift build --show-bin-path` in the repository)
#   WXPAY_TOOLS_FILE the OpenAI tool definitions (default: functions/tools.json of the repository)
#   AGENT_ON_EXPIRY  reprompt (default) or fallback_link
#   AGENT_MAX_TURNS  model calls at most (default 12)
#   AGENT_TRANSCRIPT optional file: the final local (unredacted) conversation is written there, mode 600
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "agent: $*" >&2; exit "${2:-70}"; }
say() { echo "agent: $*" >&2; }

[ $# -eq 1 ] || die "usage: agent.sh CONVERSATION.json (or - for stdin)" 64
: "${LLM_BASE_URL:?set LLM_BASE_URL, e.g. http://127.0.0.1:4000/v1}"
: "${LLM_MODEL:?set LLM_MODEL}"
for tool in jq curl; do command -v "$tool" >/dev/null || die "$tool is required" 69; done

BIN=${WXPAY_BIN_DIR:-$(cd "$repo" && swift build --show-bin-path)}
TOOLS_FILE=${WXPAY_TOOLS_FILE:-$repo/functions/tools.json}
ON_EXPIRY=${AGENT_ON_EXPIRY:-reprompt}
MAX_TURNS=${AGENT_MAX_TURNS:-12}
case "$ON_EXPIRY" in reprompt|fallback_link) ;; *) die "AGENT_ON_EXPIRY must be reprompt or fallback_link" 64 ;; esac
[ -r "$TOOLS_FILE" ] || die "cannot read the tool definitions $TOOLS_FILE" 66
for exe in pii-redact pii-restore create-intent intent-status close-intent refund refund-status; do
    [ -x "$BIN/$exe" ] || die "$BIN/$exe is missing: build with 'swift build' or set WXPAY_BIN_DIR" 69
done

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-agent.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The tool a model names -> the function executable that serves it.
executable_for() {
    case "$1" in
        create_payment_intent) echo create-intent ;;
        get_payment_status) echo intent-status ;;
        cancel_payment_intent) echo close-intent ;;
        refund_payment) echo refund ;;
        get_refund_status) echo refund-status ;;
        *) return 1 ;;
    esac
}

SYSTEM_PROMPT='You help the user buy things and take the payment with WeChat Pay through the tools. Amounts are integers in fen (1 CNY = 100 fen). Use the conversation id as idempotency_key and keep it for retries. Identifiers appear as placeholders such as ⟦OPENID_1⟧: pass them to tools exactly as written. If a tool result has status "expired" or "closed" with next_action, follow next_action.'

# The local conversation: the user's messages with a system prompt first (unless there is one).
if [ "$1" = - ]; then input=$(cat); else input=$(cat "$1"); fi
jq -e --arg sys "$SYSTEM_PROMPT" '
    (if type == "array" then . else .messages end) as $m
    | if ($m | type) != "array" or ($m | length) == 0 then error("no messages")
      elif $m[0].role == "system" then $m else [{role: "system", content: $sys}] + $m end
' <<<"$input" >"$work/conversation.json" 2>/dev/null || die "the conversation must be {\"messages\": [...]} or an array" 65
: >"$work/mapping"

# redact: the local conversation -> the redacted messages (stdout); the mapping carries on in $work/mapping.
redact_conversation() {
    jq -c --rawfile map "$work/mapping" '{json: ., mapping: (if $map == "" then null else $map end)}' \
        "$work/conversation.json" >"$work/redact-in.json"
    "$BIN/pii-redact" <"$work/redact-in.json" >"$work/redact-out.json" 2>>"$work/functions.log" \
        || die "pii-redact failed: $(jq -c .error "$work/redact-out.json" 2>/dev/null)"
    jq -j .mapping "$work/redact-out.json" >"$work/mapping"
    jq -c .json "$work/redact-out.json"
}

# restore: JSON on stdin with placeholders -> the same JSON with identifiers (stdout).
restore_json() {
    jq -c --rawfile map "$work/mapping" '{json: ., mapping: $map}' >"$work/restore-in.json"
    "$BIN/pii-restore" <"$work/restore-in.json" >"$work/restore-out.json" 2>>"$work/functions.log" \
        || die "pii-restore failed: $(jq -c .error "$work/restore-out.json" 2>/dev/null)"
    jq -c .json "$work/restore-out.json"
}

# One model call with the redacted conversation; prints the answer's message object.
call_model() {
    local messages=$1
    jq -c --arg model "$LLM_MODEL" --argjson messages "$messages" \
        '{model: $model, messages: $messages, tools: (if type == "array" then . else .tools end), tool_choice: "auto"}' \
        "$TOOLS_FILE" >"$work/request.json"
    local headers=(-H "Content-Type: application/json")
    [ -n "${LLM_API_KEY:-}" ] && headers+=(-H "Authorization: Bearer $LLM_API_KEY")
    if [ -n "${LLM_HEADERS:-}" ]; then
        while IFS= read -r line; do [ -n "$line" ] && headers+=(-H "$line"); done <<<"$LLM_HEADERS"
    fi
    local status
    status=$(curl -sS -o "$work/response.json" -w '%{http_code}' --max-time "${LLM_TIMEOUT:-120}" \
        "${headers[@]}" --data-binary "@$work/request.json" "${LLM_BASE_URL%/}/chat/completions") \
        || die "the model endpoint ${LLM_BASE_URL} cannot be reached" 69
    [ "$status" = 200 ] || die "the model endpoint answered HTTP $status: $(head -c 400 "$work/response.json")" 69
    jq -ce '.choices[0].message // error("no choices[0].message")' "$work/response.json" \
        || die "the model endpoint's answer has no message" 69
}

# Runs one tool call object (restored) through its function; prints the tool message.
run_tool_call() {
    local call=$1 name id exe message
    name=$(jq -r '.function.name' <<<"$call")
    id=$(jq -r '.id' <<<"$call")
    if ! exe=$(executable_for "$name"); then
        jq -cn --arg id "$id" --arg name "$name" '{role: "tool", tool_call_id: $id, content: ({error: {code: "UNKNOWN_TOOL",
            message: ("no tool named " + $name), retryable: false}} | tojson)}'
        return
    fi
    # The function answers a tool call with the tool message, on success and on failure alike.
    message=$("$BIN/$exe" <<<"$call" 2>>"$work/functions.log") || true
    if jq -e '.role == "tool" and (.content | type) == "string"' <<<"$message" >/dev/null 2>&1; then
        echo "$message"
    else
        jq -cn --arg id "$id" '{role: "tool", tool_call_id: $id, content: ({error: {code: "TOOL_FAILED",
            message: "the function gave no tool message", retryable: true}} | tojson)}'
    fi
}

# Expiry: a tool message whose result carries next_action. Prints the (possibly replaced) tool message and, on
# fd 3, the note that tells the model what to do.
handle_expiry() {
    local call=$1 message=$2 result kind attempt
    result=$(jq -c '.content | fromjson? // {}' <<<"$message")
    kind=$(jq -r '.next_action.type // empty' <<<"$result")
    if [ -z "$kind" ]; then echo "$message"; return; fi
    attempt=$(jq -r '.next_action.attempt // empty' <<<"$result")
    if [ "$kind" = reprompt ] && [ "$ON_EXPIRY" = fallback_link ] \
        && [ "$(jq -r .function.name <<<"$call")" = create_payment_intent ]; then
        say "intent $(jq -r .status <<<"$result"): asking create-intent for a fallback link (attempt $attempt)"
        local fallback
        fallback=$(jq -c '.function.arguments |= ((if type == "string" then fromjson else . end) + {on_expiry: "fallback_link"} | tojson)' <<<"$call")
        message=$(run_tool_call "$fallback")
        result=$(jq -c '.content | fromjson? // {}' <<<"$message")
        kind=$(jq -r '.next_action.type // empty' <<<"$result")
    fi
    echo "$message"
    case "$kind" in
        reprompt)
            say "intent $(jq -r .status <<<"$result"): re-prompting (next attempt $attempt)"
            jq -cn --argjson r "$result" '{role: "system", content: ("The payment intent " + $r.intent_id + " is "
                + $r.status + " and can no longer be paid. Ask the user whether to try again; once they agree, call "
                + "create_payment_intent with the same arguments and \"attempt\": " + ($r.next_action.attempt | tostring)
                + ".")}' >&3 ;;
        fallback_link)
            say "intent $(jq -r .status <<<"$result"): offering the fallback link (attempt $(jq -r .next_action.attempt <<<"$result"))"
            jq -cn --argjson r "$result" '{role: "system", content: ("The payment intent " + $r.intent_id + " is "
                + $r.status + ". A new payment link was created (attempt " + ($r.next_action.attempt | tostring)
                + "): offer the user this link to pay: " + ($r.next_action.url // "(none)"))}' >&3 ;;
    esac
}

append() { # message JSON -> appended to the local conversation
    jq -c --argjson m "$1" '. + [$m]' "$work/conversation.json" >"$work/conversation.next" \
        && mv "$work/conversation.next" "$work/conversation.json"
}

turn=0
while :; do
    turn=$((turn + 1))
    [ "$turn" -le "$MAX_TURNS" ] || die "no final answer after $MAX_TURNS model calls" 75
    redacted=$(redact_conversation)
    say "turn $turn: $(jq length <<<"$redacted") messages to $LLM_MODEL"
    answer=$(call_model "$redacted")
    # Keep only what a chat message carries, then put the identifiers back for local use.
    answer=$(jq -c '{role: "assistant", content: .content} + (if (.tool_calls // []) | length > 0
        then {tool_calls: [.tool_calls[] | {id, type: "function", function: {name: .function.name,
              arguments: (.function.arguments | if type == "string" then . else tojson end)}}]} else {} end)' <<<"$answer")
    answer=$(restore_json <<<"$answer")
    append "$answer"

    calls=$(jq -c '.tool_calls // [] | .[]' <<<"$answer")
    if [ -z "$calls" ]; then
        [ -n "${AGENT_TRANSCRIPT:-}" ] && cp "$work/conversation.json" "$AGENT_TRANSCRIPT"
        jq -r '.content // ""' <<<"$answer"
        exit 0
    fi
    notes=()
    while IFS= read -r call; do
        say "tool call: $(jq -r .function.name <<<"$call")"
        message=$(run_tool_call "$call")
        : >"$work/note"
        message=$(handle_expiry "$call" "$message" 3>"$work/note")
        append "$message"
        [ -s "$work/note" ] && notes+=("$(cat "$work/note")")
    done <<<"$calls"
    # Notes come after all tool messages of the turn (a tool message must follow its assistant message).
    for note in "${notes[@]+"${notes[@]}"}"; do append "$note"; done
done
