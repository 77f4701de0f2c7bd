#!/usr/bin/env python3
"""Hostile-input campaign against every function, as processes (issue: hostile input).

For each input, each function must: end by itself within a few seconds; exit with a status of the contract
(0, 1, 64, 65, 69, 75, 77, 78: never a signal, never 70); write exactly one JSON object on stdout (risk-batch:
one line per input record); never print a secret of the secrets file; never echo attacker-controlled text
unbounded (no output line over a bound, no long run of an input's own bytes).

The inputs are made here, independently of the code under test: the fuzz corpora, mutations of the sample
events, and generated hostile shapes (deep nesting, huge and negative integers, invalid UTF-8, control bytes,
long strings, HTTP envelopes with hostile Wechatpay-* headers).

Usage: campaign.py [BIN_DIR (default $WXPAY_BIN_DIR)] [--per-function N] [--seed S]
Prints '<N> passed, <M> failed' (one test per function) and exits non-zero on any violation.
"""
import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUNCTIONS = ["create-intent", "intent-status", "close-intent", "refund", "refund-status", "webhook", "risk-batch",
             "pii-redact", "pii-restore", "download-certificates"]
CONTRACT = {0, 1, 64, 65, 69, 75, 77, 78}
TIMEOUT = 8.0
MAX_LINE = 64 * 1024      # no answer line of a bad input is anywhere near this
ECHO_RUN = 300            # a run of this many bytes copied from the input into an error is an unbounded echo


def samples():
    out = []
    for d in sorted(os.listdir(os.path.join(ROOT, "functions"))):
        p = os.path.join(ROOT, "functions", d)
        if not os.path.isdir(p):
            continue
        for f in sorted(os.listdir(p)):
            if f.endswith(".json") and ".schema." not in f and f != "tool.json":
                with open(os.path.join(p, f), "rb") as fh:
                    out.append(fh.read())
    return out


def corpus():
    out = []
    base = os.path.join(ROOT, "Fuzz", "corpus")
    if os.path.isdir(base):
        for t in sorted(os.listdir(base)):
            for f in sorted(os.listdir(os.path.join(base, t)))[:40]:
                with open(os.path.join(base, t, f), "rb") as fh:
                    out.append(fh.read())
    return out


def hostile_headers(rng):
    ts = rng.choice(["-9223372036854775808", "9223372036854775807", "99999999999999999999", "-1", "", "1e9",
                     str(int(time.time())), "\u0000", "٣٣٣"])
    serial = rng.choice(["PUB_KEY_ID_0119", "\x1b[31m" + "S" * 20000, "A" * 5000, "", "💥" * 1000])
    return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": rng.choice(["n", "", "x" * 10000]),
            "Wechatpay-Signature": rng.choice(["c2ln", "WECHATPAY/SIGNTEST/x", "!!!", "A" * 100000]),
            "Wechatpay-Serial": serial, "Wechatpay-Signature-Type": rng.choice(["WECHATPAY2-SHA256-RSA2048", "X" * 3000])}


def generated(rng):
    n = rng.randrange(14)
    if n == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))
    if n == 1:
        return b"[" * rng.choice([100, 5000, 200000])
    if n == 2:
        return b'{"a":' * 50000 + b"1" + b"}" * 50000
    if n == 3:
        return json.dumps({"amount": rng.choice([2**63, -2**63, 2**64, 1e308, -1, 0, 1.5, "1999"]),
                           "description": "x" * rng.choice([1, 200000]), "idempotency_key": "k" * rng.choice([1, 5000]),
                           "expires_in": rng.choice([-2**63, 2**63 - 1, 0, 300]),
                           "wait": rng.choice([-2**63, 2**63 - 1, 30])}).encode()
    if n == 4:
        body = json.dumps({"id": "EV", "event_type": "TRANSACTION.SUCCESS", "resource": {"ciphertext": "A" * 100}})
        return json.dumps({"httpMethod": "POST", "headers": hostile_headers(rng), "body": body}).encode()
    if n == 5:
        body = base64.b64encode(os.urandom(rng.randrange(1, 2000))).decode()
        return json.dumps({"version": "2.0", "requestContext": {"http": {"method": "POST"}},
                           "headers": hostile_headers(rng), "body": body, "isBase64Encoded": True}).encode()
    if n == 6:
        return b'{"text":"\xff\xfe\xc0\x80' + b"\xed\xa0\x80" * 100 + b'","mapping":"wxs1.' + b"A" * 5000 + b'"}'
    if n == 7:
        return json.dumps({"role": "assistant", "tool_calls": [{"id": "c" * 3000, "type": "function", "function": {
            "name": rng.choice(["create_payment_intent", "refund_payment", "x" * 5000]),
            "arguments": rng.choice(["{", "[]", '{"amount":-1}', "\u0000" * 100])}}]}).encode()
    if n == 8:
        lines = [json.dumps({"id": "t%d" % i, "amount": rng.choice([1, -2**63, 2**63 - 1, "x", None]),
                             "description": rng.choice(["赌博", "casino", "x" * 10000, "\u202e"]),
                             "created_at": rng.choice(["2026-02-31T00:00:00Z", "9999-99-99", "", "2026-12-01T00:00:00+08:00"])})
                 for i in range(rng.randrange(1, 30))]
        return ("\n".join(lines) + rng.choice(["", "\n", "\n{", "\n\n\n"])).encode()
    if n == 9:
        return "\"" + "\\u0000" * 10000 + "\""
    if n == 10:
        return json.dumps({"transactions": [{"id": "x" * 100000}] * 3}).encode()
    if n == 11:
        return b"\x00" * rng.randrange(1, 10000)
    if n == 12:
        return json.dumps({"headers": {"X": "y" * 100000}, "body": "{}", "httpMethod": "GET"}).encode()
    return json.dumps("€" * rng.randrange(1, 100000)).encode()


def mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        op = rng.randrange(4)
        if not b:
            b = bytearray(b"{")
        i = rng.randrange(len(b))
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i:i + rng.randrange(1, 20)]
        elif op == 2:
            b[i:i] = rng.choice([b"-9223372036854775808", b"\xff", b"[", b"}", b'"', b"\\u", b"99999999999999999999"])
        else:
            b[i:i] = b[i:i + rng.randrange(1, 50)] * rng.randrange(1, 50)
    return bytes(b)


def longest_common_run(inp, out, limit):
    """Whether some run of `limit` bytes of the input appears in the output (cheap sampled check)."""
    if len(inp) < limit:
        return False
    step = max(1, (len(inp) - limit) // 64)
    for start in range(0, len(inp) - limit + 1, step):
        chunk = inp[start:start + limit]
        if len(set(chunk)) > 4 and chunk in out:   # repeated filler bytes are not an echo of content
            return True
    return False


def check(fn, data, secrets, env):
    started = time.monotonic()
    try:
        p = subprocess.run([os.path.join(BIN, fn)], input=data, capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return "did not end within %.0f s" % TIMEOUT
    took = time.monotonic() - started
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode
    if p.returncode not in CONTRACT:
        return "exit status %d is not in the contract" % p.returncode
    out = p.stdout
    everything = out + p.stderr
    for s in secrets:
        if s.encode() in everything:
            return "a secret appears in the output"
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    if fn != "risk-batch" and len(lines) != 1:
        return "wrote %d lines, not exactly one JSON object" % len(lines)
    for line in lines:
        try:
            v = json.loads(line)
        except ValueError:
            return "an output line is not JSON: %r" % line[:120]
        if not isinstance(v, dict):
            return "an output line is not a JSON object"
    if p.returncode != 0:
        if max((len(l) for l in lines), default=0) > MAX_LINE:
            return "an error answer line of %d bytes" % max(len(l) for l in lines)
        if longest_common_run(data, everything, ECHO_RUN):
            return "an error answer echoes %d+ bytes of the input" % ECHO_RUN
    for line in p.stderr.split(b"\n"):
        if line and len(line) > MAX_LINE:
            return "a log line of %d bytes" % len(line)
    return None if took < TIMEOUT else "took %.1f s" % took


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir", nargs="?", default=os.environ.get("WXPAY_BIN_DIR", os.path.join(ROOT, ".build", "debug")))
    ap.add_argument("--per-function", type=int, default=150)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("HOSTILE_SEED", "20261202")))
    args = ap.parse_args()
    BIN = args.bin_dir
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="wxpay-hostile-")
    # Secrets pointing at a closed port: calls to WeChat fail fast (69), never reach the network.
    subprocess.run([os.path.join(BIN, "wxpay-emulator"), "init", "--out", work, "--port", "9"], check=True,
                   capture_output=True)
    with open(os.path.join(work, "secrets.json")) as f:
        sj = json.load(f)
    sj["sm4_key"] = "0123456789abcdef0123456789abcdef"
    sj["forward_secret"] = "hostile-forward-secret-1234567890"
    with open(os.path.join(work, "secrets.json"), "w") as f:
        json.dump(sj, f)
    key_body = "".join(l for l in sj["merchant_private_key"].splitlines() if not l.startswith("-----"))
    secrets = [sj["apiv3_key"], sj["sm4_key"], sj["forward_secret"]] + [key_body[i:i + 48] for i in range(0, len(key_body) - 48, 48)]
    env = {"PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": os.path.join(work, "secrets.json"),
           "WXPAY_EVENTS_FILE": os.path.join(work, "events.ndjson"), "WXPAY_TIME_BUDGET_MS": "3000",
           "WXPAY_MAX_ATTEMPTS": "1", "SWIFT_BACKTRACE": "enable=no"}
    pool = samples() + corpus()
    failures = {}
    for fn in FUNCTIONS:
        problems = []
        for i in range(args.per_function):
            kind = i % 3
            data = generated(rng) if kind == 0 else mutate(rng, rng.choice(pool)) if kind == 1 else rng.choice(pool)
            if isinstance(data, str):
                data = data.encode()
            why = check(fn, data, secrets, env)
            if why:
                path = os.path.join(work, "%s-%d.in" % (fn, i))
                with open(path, "wb") as f:
                    f.write(data)
                problems.append("%s (input kept in %s)" % (why, path))
        if problems:
            failures[fn] = problems
        print("%-14s %4d inputs  %s" % (fn, args.per_function, "ok" if not problems else "%d violations" % len(problems)))
        for pr in problems[:5]:
            print("    " + pr)
    print("%d passed, %d failed" % (len(FUNCTIONS) - len(failures), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
