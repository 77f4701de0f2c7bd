# examples/sandbox.sh: sourced by the example workflows. Starts a local WeChat Pay emulator with a fresh key set
# (unless WXPAY_SECRETS_FILE and EMU are already set: then that merchant and emulator are used) and exports:
#   BIN                 the built executables (WXPAY_BIN_DIR, else `swift build --show-bin-path`)
#   EMU                 the emulator's base URL, for its control API (/_emulator/...)
#   WXPAY_SECRETS_FILE  a secrets file pointing at it, with an sm4_key for pii-redact / pii-restore
# Everything started here is stopped when the sourcing script exits.
examples_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$examples_dir/.." && pwd)
BIN=${WXPAY_BIN_DIR:-$(cd "$repo_dir" && swift build --show-bin-path)}
export WXPAY_BIN_DIR=$BIN
export LOG_LEVEL=${LOG_LEVEL:-warning}   # the functions' JSON logs on stderr: warnings and errors only

if [ -z "${EMU:-}" ] || [ -z "${WXPAY_SECRETS_FILE:-}" ]; then
    sandbox_dir=$(mktemp -d "${TMPDIR:-/tmp}/wxpay-example.XXXXXX")
    "$BIN/wxpay-emulator" init --out "$sandbox_dir" --notify-url http://127.0.0.1:9/wxpay/notify >/dev/null
    "$BIN/wxpay-emulator" serve --sandbox "$sandbox_dir/sandbox.json" --port 0 --no-deliver --refund-delay 0.3 \
        >"$sandbox_dir/emulator.out" 2>"$sandbox_dir/emulator.err" &
    sandbox_pid=$!
    trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; rm -rf "$sandbox_dir"' EXIT
    for _ in $(seq 1 200); do grep -q listening "$sandbox_dir/emulator.out" 2>/dev/null && break; sleep 0.05; done
    EMU=$(head -n 1 "$sandbox_dir/emulator.out" | jq -r .listening)
    [ -n "$EMU" ] && [ "$EMU" != null ] || { cat "$sandbox_dir/emulator.err" >&2; exit 1; }
    jq --arg api "$EMU" --arg sm4 "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        '.api_base = $api | .sm4_key = $sm4' "$sandbox_dir/secrets.json" >"$sandbox_dir/merchant.json"
    chmod 600 "$sandbox_dir/merchant.json"
    export WXPAY_SECRETS_FILE=$sandbox_dir/merchant.json
fi
export EMU

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
# expect DESCRIPTION JQ-FILTER: checks the JSON on stdin, passes it through.
expect() {
    local json; json=$(cat)
    if jq -e "$2" >/dev/null <<<"$json"; then echo "ok - $1" >&2; else echo "FAILED - $1: $json" >&2; exit 1; fi
    printf '%s\n' "$json"
}
