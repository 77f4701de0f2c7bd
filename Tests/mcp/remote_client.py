#!/usr/bin/env python3
"""Remote MCP at wxpay-server's /mcp, driven by an independent client: the Python `mcp` package (Streamable HTTP).

    remote_client.py URL TOKEN CREATE_INTENT_BIN

Checks: without the bearer token (or with a wrong one) the endpoint answers 401 and no session starts; with it the
client initializes, lists the five payment tools, creates an intent, repeats the call with the same idempotency key
and gets the same intent (one order), gets a bad argument back as an isError result with the contract's error object,
and the `create-intent` executable given the same key answers the same intent (the same idempotency everywhere).
"""
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import httpx2 as httpx  # the HTTP client the mcp package is built on
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

FAILURES = []


def check(what, ok, detail=""):
    print(("ok - " if ok else "FAILED - ") + what + ("" if ok else ": " + str(detail)[:400]), flush=True)
    if not ok:
        FAILURES.append(what)


def raw_post(url, token):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                  "clientInfo": {"name": "probe", "version": "1"}}}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="POST"),
                                    timeout=10) as r:
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers)


def field(obj, snake, camel):
    """An attribute under the mcp package's 2.x name (snake_case) or its 1.x name (camelCase)."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def structured(result):
    content = field(result, "structured_content", "structuredContent")
    if content is not None:
        return content
    return json.loads(result.content[0].text)


def is_error(result):
    return bool(field(result, "is_error", "isError"))


async def session_checks(url, token, create_intent):
    key = "remote-mcp-%d" % time.time_ns()
    client = httpx.AsyncClient(headers={"Authorization": "Bearer " + token}, timeout=httpx.Timeout(30.0))
    async with client:
        async with streamable_http_client(url, http_client=client) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                check("initialize answers the server's name and the tools capability",
                      field(init, "server_info", "serverInfo").name == "wxpay-mcp" and init.capabilities.tools is not None, init)
                tools = await session.list_tools()
                names = sorted(t.name for t in tools.tools)
                check("tools/list shows the five payment tools", names == sorted(
                    ["create_payment_intent", "get_payment_status", "cancel_payment_intent", "refund_payment",
                     "get_refund_status"]), names)
                hints = {t.name: t.annotations for t in tools.tools}
                refund_status = hints.get("get_refund_status")
                check("get_refund_status is annotated read-only, not destructive, idempotent",
                      refund_status is not None and field(refund_status, "read_only_hint", "readOnlyHint") is True
                      and field(refund_status, "destructive_hint", "destructiveHint") is False
                      and field(refund_status, "idempotent_hint", "idempotentHint") is True, refund_status)
                args = {"amount": 1999, "description": "Remote MCP plan", "idempotency_key": key, "channel": "native"}
                first = await session.call_tool("create_payment_intent", args)
                one = structured(first)
                check("create_payment_intent creates an intent", not is_error(first)
                      and one.get("status") == "requires_confirmation" and one.get("intent_id"), one)
                again = structured(await session.call_tool("create_payment_intent", args))
                check("the same idempotency key over /mcp answers the same intent",
                      again.get("intent_id") == one.get("intent_id"), (one, again))
                status = structured(await session.call_tool("get_payment_status",
                                                            {"intent_id": one.get("intent_id")}))
                check("get_payment_status finds it", status.get("intent_id") == one.get("intent_id"), status)
                missing = await session.call_tool("get_refund_status",
                                                  {"out_refund_no": "rf000000000000000000000000000000"})
                check("get_refund_status of an unknown refund is an isError result REFUND_NOT_FOUND",
                      is_error(missing) and structured(missing).get("error", {}).get("code") == "REFUND_NOT_FOUND",
                      structured(missing))
                bad = await session.call_tool("create_payment_intent", {"amount": "ten"})
                err = structured(bad)
                check("a bad argument is an isError result with the error object",
                      is_error(bad) and err.get("error", {}).get("code") == "INVALID_FIELD", err)
    # The same key through the executable: the same intent, not a second order.
    event = json.dumps({"amount": 1999, "description": "Remote MCP plan", "idempotency_key": key,
                        "channel": "native"})
    r = subprocess.run([create_intent], input=event.encode(), capture_output=True, env=os.environ)
    try:
        cli = json.loads(r.stdout)
    except ValueError:
        cli = {"stdout": r.stdout[:200], "stderr": r.stderr[-300:]}
    check("create-intent with the same key answers the intent /mcp created",
          r.returncode == 0 and cli.get("intent_id") == one.get("intent_id"), cli)


def main():
    url, token, create_intent = sys.argv[1], sys.argv[2], sys.argv[3]
    status, _ = raw_post(url, None)
    check("/mcp without a bearer token is 401", status == 401, status)
    status, _ = raw_post(url, token + "x")
    check("/mcp with a wrong bearer token is 401", status == 401, status)
    asyncio.run(session_checks(url, token, create_intent))
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("remote MCP: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
