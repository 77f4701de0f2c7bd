#!/usr/bin/env bash
# The script-driven suites of `make test`, after `swift test`: each must exist and pass.
#   Tests/tools/check_error_codes.py
#                             every error code Sources/ can emit is in docs/errors.md; no file refers outside the
#                             repository; links into the repository resolve
#   Tests/hostile/campaign.py every function as a process on hostile inputs: ends by itself, contract exit status,
#                             one JSON object, no secret, no unbounded echo
#   Tests/server/hostile.py   wxpay-server against slow, oversized, malformed and smuggling clients over loopback
#                             sockets: deadlines, 431/413/400/405, keep-alive, 503 + Retry-After, SIGTERM drain
#   Tests/server/platforms.py wxpay-server started by infra/scf-web/scf_bootstrap and infra/fc/bootstrap with their
#                             descriptors' environment and ports; a signed notification through each
#   Tests/faults/smoke.sh     fault campaigns, short: webhook (SIGKILLs, 64 appenders, broken storage, dead forward) and the payment functions under WeChat Pay faults
#   Tests/paypage/browser.py  wxpay-server's payment page (GET /pay/{intent_id}) in headless Chromium (Selenium):
#                             pay inside WeChat through the sandbox bridge, the QR code decoded, the H5 link, Chinese,
#                             404s that reveal nothing, 429 on the status endpoint, expiry with the re-prompt
#   Tests/mcp/remote.sh      wxpay-server's /mcp (MCP Streamable HTTP) driven by the Python mcp client: bearer 401s,
#                             the four tools, one order per idempotency key across /mcp and create-intent
#   Tests/interop/run.sh      the Python SDK wechatpayv3 as a client of the emulator, and decrypting its notifications
#   examples/test.sh          the shell workflows (pay, expiry re-prompt, redaction, MCP) against the emulator
#   examples/agent/test.sh    the agent loop against a stub OpenAI-compatible server: no raw identifier reaches it
#   infra/test.sh             release build, Lambda zips run in an empty chroot, OCI image, SAM/OpenFaaS/Knative checks
#   scripts/test-demo.sh      `make demo` with ports 8780/8781 taken: free ports picked; a taken EMU_PORT refused plainly
set -euo pipefail
cd "$(dirname "$0")/.."
export WXPAY_BIN_DIR="${WXPAY_BIN_DIR:-$(swift build --show-bin-path)}"
suites=(Tests/tools/check_error_codes.py Tests/hostile/campaign.py Tests/server/hostile.py Tests/server/platforms.py
        Tests/paypage/browser.py Tests/mcp/remote.sh Tests/interop/run.sh examples/test.sh examples/agent/test.sh
        infra/test.sh scripts/test-demo.sh)
suites+=(Tests/faults/smoke.sh)
failed=()
for suite in "${suites[@]}"; do
    printf '\n\033[1m== %s\033[0m\n' "$suite"
    if [ ! -f "$suite" ]; then echo "missing: $suite" >&2; failed+=("$suite"); continue; fi
    runner=bash
    case "$suite" in *.py) runner=python3 ;; esac
    if "$runner" "$suite"; then echo "ok: $suite"; else echo "FAILED: $suite" >&2; failed+=("$suite"); fi
done
if [ ${#failed[@]} -gt 0 ]; then
    printf '\nfailed suites: %s\n' "${failed[*]}" >&2
    exit 1
fi
echo "all script suites passed"
