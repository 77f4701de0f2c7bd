#!/usr/bin/env python3
"""Fault campaign `wechat` (issue 15, item 5): WeChat Pay breaking under the four payment functions.

The functions run as processes against `wxpay-emulator serve --request-log FILE` processes (one per worker, so a
worker's queued faults only meet its own calls), which inject the faults: 500, 429, delays, a reset before any
answer, a silent connection (`timeout`), a reset after part of the answer (`reset-mid-answer`), a body dripping one
byte a second (`drip`), a body shorter than its Content-Length (`truncated`), a forged signature, an unknown
`Wechatpay-Serial`, and a validly signed answer about another order or refund (`other-order`), each `before` the call
takes effect or `after` it.

Two parts, one table row:
  matrix     every fault kind x create-intent / intent-status / close-intent / refund x before / after, the fault
             armed for every attempt: the documented exit status and error code (docs/errors.md), then, faults
             cleared, the same call again succeeds with the same order or refund.
  schedules  N random schedules (full 500, short 30), each a caller that behaves like an agent: one idempotency key,
             a realistic sequence (create, status, the user pays or not, close or refund, repeats), random faults
             queued before each call (kinds, counts, timings, which request they hit), and the same input retried on
             a retryable failure (and sometimes on a final one, later).

Checked, counting from each emulator's raw request log and its books (an order or refund made on WeChat's side
counts even if its answer was lost):
  - at most one order per idempotency key: one distinct out_trade_no in the prepay requests of a key (the log), and
    one order per key in the emulator's books; every prepay names the key's own number;
  - at most one refund per refund key: one distinct out_refund_no in the refund requests of a key (the log), each the
    number derived from the order the caller named, and one refund per key in the books; no order refunded beyond its
    total;
  - no function reports success about another order: every exit-0 answer names the caller's intent / refund, its
    transaction id and confirmation are those of that order in the books, a reported close left the order closed;
  - every failure has a documented exit status matching its code and retryability (docs/errors.md);
  - once WeChat Pay is healthy again the caller gets its one order (and refund) back.
The checks are shown able to fail: on a separate emulator, a second order made for one key (`attempt: 2`) and
another order's prepay answer taken for one's own must be reported by them (else the campaign fails).

What the client cannot check is left out of the random schedules and said in Tests/faults/README.md: a prepay answer
(`prepay_id`, `code_url`, `h5_url`) carries nothing that names its order, so `other-order` is not injected into
prepay calls.
"""
import hashlib
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

KINDS = ["500", "frequency-limited", "delay", "reset", "bad-signature", "timeout", "reset-mid-answer", "drip",
         "truncated", "unknown-serial", "other-order"]
OPS = ["create-intent", "intent-status", "close-intent", "refund"]
BUDGET_MS = 1000            # WXPAY_TIME_BUDGET_MS of a function run under faults: a silent or dripping answer costs this
HEALTHY_BUDGET_MS = 10000   # ... and with WeChat Pay healthy (the default budget: a loaded machine must not fail these)
RUN_TIMEOUT_S = 15.0        # a function still running after this is a violation (and is killed)
WORKERS = 12                # emulator + caller pairs at once (the timeouts and drips are waits, not CPU)

# Documented in docs/errors.md: code -> (exit status, retryable)
DOCUMENTED = {
    "WECHAT_UNAVAILABLE": (69, True), "ANSWER_MISMATCH": (69, True), "WECHAT_ANSWER_TOO_LARGE": (69, True),
    "TIMED_OUT": (75, True), "RATE_LIMITED": (75, True), "WECHAT_ACCEPTED_NOT_DONE": (75, True),
    "WECHAT_REFUSED": (1, False), "INTENT_NOT_FOUND": (1, False), "NOT_REFUNDABLE": (1, False),
    "REFUND_EXCEEDS_REMAINDER": (1, False), "IDEMPOTENCY_CONFLICT": (65, False), "WECHAT_SIGN_ERROR": (77, False),
}
for _c in ("SIGNATURE_MISSING", "SIGNATURE_TYPE_UNSUPPORTED", "SIGNATURE_PROBE", "TIMESTAMP_INVALID",
           "TIMESTAMP_OUT_OF_WINDOW", "UNKNOWN_SERIAL", "SIGNATURE_INVALID", "SECRETS_INVALID"):
    DOCUMENTED["ANSWER_" + _c] = (77, False)

# What each fault kind, armed for every attempt, must end in (exit status, code); None: the call succeeds.
EXPECTED = {
    "500": (69, "WECHAT_UNAVAILABLE"), "reset": (69, "WECHAT_UNAVAILABLE"),
    "reset-mid-answer": (69, "WECHAT_UNAVAILABLE"), "truncated": (69, "WECHAT_UNAVAILABLE"),
    "frequency-limited": (75, "RATE_LIMITED"), "timeout": (75, "TIMED_OUT"), "drip": (75, "TIMED_OUT"),
    "bad-signature": (77, "ANSWER_SIGNATURE_INVALID"), "unknown-serial": (77, "ANSWER_UNKNOWN_SERIAL"),
    "other-order": (69, "ANSWER_MISMATCH"), "delay": None,
}


def order_no(mchid, key, attempt=1):
    d = hashlib.sha256(("wxpay-agent-kit/order/v1\n%s\n%s" % (mchid, key)).encode()).digest()
    return "ai" + d[:12].hex() + "-" + str(attempt)


def refund_no(mchid, out_trade_no, key):
    d = hashlib.sha256(("wxpay-agent-kit/refund/v1\n%s\n%s\n%s" % (mchid, out_trade_no, key)).encode()).digest()
    return "rf" + d[:15].hex()


# --------------------------------------------------------------------------------------------------------------
# One emulator process and the functions run against it

class Emulator:
    def __init__(self, bin_dir, work, keys_dir, name):
        self.bin = bin_dir
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir)
        self.log_path = os.path.join(self.dir, "requests.ndjson")
        self.proc = subprocess.Popen(
            [os.path.join(bin_dir, "wxpay-emulator"), "serve", "--sandbox", os.path.join(keys_dir, "sandbox.json"),
             "--port", "0", "--request-log", self.log_path, "--no-deliver", "--refund-delay", "0.3",
             "--log-level", "error"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        self.base = json.loads(line)["listening"]
        with open(os.path.join(keys_dir, "secrets.json")) as f:
            secrets = json.load(f)
        secrets["api_base"] = self.base
        self.mchid = secrets["mchid"]
        self.secrets_path = os.path.join(self.dir, "secrets.json")
        with open(self.secrets_path, "w") as f:
            json.dump(secrets, f)
        os.chmod(self.secrets_path, 0o600)

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"{}")

    def inject(self, rule):
        self.control("POST", "/_emulator/faults", rule)

    def clear(self):
        self.control("DELETE", "/_emulator/faults")

    def run(self, fn, event, budget_ms=BUDGET_MS):
        env = {k: v for k, v in os.environ.items() if not k.startswith("WXPAY_")}
        env.update({"WXPAY_SECRETS_FILE": self.secrets_path, "WXPAY_TIME_BUDGET_MS": str(budget_ms),
                    "LOG_LEVEL": "error", "SWIFT_BACKTRACE": "enable=no"})
        t0 = time.monotonic()
        try:
            p = subprocess.run([os.path.join(self.bin, fn)], input=json.dumps(event).encode(), env=env,
                               capture_output=True, timeout=RUN_TIMEOUT_S)
            status, out = p.returncode, p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            status, out = "hung", (e.stdout or b"").decode("utf-8", "replace")
        try:
            answer = json.loads(out)
        except ValueError:
            answer = None
        return Call(fn, event, status, answer, time.monotonic() - t0)

    def requests(self):
        """The raw request log: requests in arrival order, each with its answer status and fault (if any)."""
        reqs, by_seq = [], {}
        with open(self.log_path) as f:
            for line in f:
                v = json.loads(line)
                if "answer" in v:
                    r = by_seq.get(v["seq"])
                    if r is not None:
                        r["answer"], r["fault"] = v["answer"], v.get("fault")
                else:
                    v["answer"], v["fault"] = None, None
                    by_seq[v["seq"]] = v
                    reqs.append(v)
        return reqs

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Call:
    def __init__(self, fn, event, status, answer, wall):
        self.fn, self.event, self.status, self.answer, self.wall = fn, event, status, answer, wall

    @property
    def error(self):
        return (self.answer or {}).get("error") if isinstance(self.answer, dict) else None

    @property
    def code(self):
        return (self.error or {}).get("code")

    def __repr__(self):
        return "%s exit=%s %.2fs %s" % (self.fn, self.status, self.wall, json.dumps(self.answer)[:300])


# --------------------------------------------------------------------------------------------------------------
# Checks

class Checker:
    def __init__(self, tally, lock):
        self.t, self.lock = tally, lock

    def violate(self, what):
        with self.lock:
            self.t.violate(what)

    def documented(self, call, ctx=""):
        """A finished run: exit 0 with an object, or a documented failure whose exit status and retryability match."""
        if call.status == "hung":
            self.violate("%s%s did not end within %.0f s: %r" % (ctx, call.fn, RUN_TIMEOUT_S, call))
            return False
        if call.status == 0:
            if not isinstance(call.answer, dict) or call.error:
                self.violate("%sexit 0 without a result object: %r" % (ctx, call))
                return False
            return True
        doc = DOCUMENTED.get(call.code)
        if doc is None:
            self.violate("%sundocumented failure (code %s): %r" % (ctx, call.code, call))
        elif doc[0] != call.status or doc[1] != bool(call.error.get("retryable")):
            self.violate("%s%s: exit %s retryable %s, documented exit %d retryable %s: %r"
                         % (ctx, call.code, call.status, call.error.get("retryable"), doc[0], doc[1], call))
        return False


def check_emulator(chk, emu, schedules):
    """Counts from the raw request log and the emulator's books, for every schedule run against `emu`."""
    mchid = emu.mchid
    key_of_order = {order_no(mchid, s.key): s for s in schedules}
    refund_keys = {}
    for s in schedules:
        for rk in s.refund_keys:
            refund_keys[refund_no(mchid, order_no(mchid, s.key), rk)] = (s, rk)
    prepay_numbers, refund_numbers = {}, {}
    faults = 0
    for r in emu.requests():
        if r.get("fault"):
            faults += 1
        if r["method"] != "POST" or r.get("body") is None:
            continue
        try:
            body = json.loads(r["body"])
        except ValueError:
            continue
        if r["target"].startswith("/v3/pay/transactions/") and "/close" not in r["target"]:
            try:
                ik = json.loads(body.get("attach", "{}")).get("ik")
            except ValueError:
                ik = None
            prepay_numbers.setdefault(ik, set()).add(body.get("out_trade_no"))
            s = key_of_order.get(body.get("out_trade_no"))
            if s is None or s.key != ik:
                chk.violate("a prepay for %s under key %s: not the key's own order number"
                            % (body.get("out_trade_no"), ik))
        elif r["target"] == "/v3/refund/domestic/refunds":
            no = body.get("out_refund_no")
            owner = refund_keys.get(no)
            if owner is None:
                chk.violate("a refund request %s names no (order, refund key) a caller used" % no)
                continue
            s, rk = owner
            refund_numbers.setdefault((s.key, rk), set()).add(no)
            if body.get("out_trade_no") != order_no(mchid, s.key):
                chk.violate("refund %s of key %s names order %s, not the caller's %s"
                            % (no, rk, body.get("out_trade_no"), order_no(mchid, s.key)))
    for ik, numbers in prepay_numbers.items():
        if len(numbers) > 1:
            chk.violate("key %s: prepay requests for %d order numbers %s (one order per key)" % (ik, len(numbers), numbers))
    for k, numbers in refund_numbers.items():
        if len(numbers) > 1:
            chk.violate("refund key %s: %d refund numbers requested" % (k[1], len(numbers)))
    # The books
    orders = emu.control("GET", "/_emulator/orders").get("orders", [])
    per_key = {}
    by_no = {}
    for o in orders:
        by_no[o["out_trade_no"]] = o
        try:
            ik = json.loads(o.get("attach", "{}")).get("ik")
        except ValueError:
            ik = None
        per_key[ik] = per_key.get(ik, 0) + 1
        if o.get("refunded", 0) > o["amount"]["total"]:
            chk.violate("order %s refunded %d of %d" % (o["out_trade_no"], o["refunded"], o["amount"]["total"]))
    for ik, n in per_key.items():
        if n > 1:
            chk.violate("key %s: %d orders in the emulator's books (one order per key)" % (ik, n))
    refunds = emu.control("GET", "/_emulator/refunds").get("refunds", [])
    refunds_per_key = {}
    for rf in refunds:
        owner = refund_keys.get(rf["out_refund_no"])
        if owner is None:
            chk.violate("a refund %s in the books belongs to no caller's refund key" % rf["out_refund_no"])
            continue
        refunds_per_key[owner[1]] = refunds_per_key.get(owner[1], 0) + 1
    for rk, n in refunds_per_key.items():
        if n > 1:
            chk.violate("refund key %s: %d refunds in the books" % (rk, n))
    # What the callers were told
    refund_by_no = {rf["out_refund_no"]: rf for rf in refunds}
    for s in schedules:
        no = order_no(mchid, s.key)
        book = by_no.get(no)
        for call in s.successes:
            a = call.answer
            if call.fn in ("create-intent", "intent-status", "close-intent"):
                if a.get("intent_id") != no:
                    chk.violate("%s reported intent %s for key %s (its order is %s)" % (call.fn, a.get("intent_id"),
                                                                                         s.key, no))
                    continue
                if book is None:
                    chk.violate("%s reported intent %s, which WeChat Pay does not hold" % (call.fn, no))
                    continue
                if a.get("transaction_id") and a["transaction_id"] != book.get("transaction_id"):
                    chk.violate("%s reported transaction %s for %s (the order's is %s)"
                                % (call.fn, a["transaction_id"], no, book.get("transaction_id")))
                url = a.get("confirmation_url")
                if call.fn == "create-intent" and url and not url.endswith(book["prepay_id"][-9:]):
                    chk.violate("create-intent's confirmation %s is not order %s's (prepay %s)"
                                % (url, no, book["prepay_id"]))
                if a.get("amount") is not None and a["amount"] != book["amount"]["total"]:
                    chk.violate("%s reported amount %s for %s (the order's is %s)" % (call.fn, a["amount"], no,
                                                                                     book["amount"]["total"]))
            elif call.fn == "refund":
                rk = call.event["idempotency_key"]
                want = refund_no(mchid, no, rk)
                if a.get("out_refund_no") != want or a.get("out_trade_no") != no:
                    chk.violate("refund reported %s of %s for refund key %s (expected %s of %s)"
                                % (a.get("out_refund_no"), a.get("out_trade_no"), rk, want, no))
                elif want not in refund_by_no:
                    chk.violate("refund reported %s, which WeChat Pay does not hold" % want)
                elif refund_by_no[want].get("refund_id") != a.get("refund_id"):
                    chk.violate("refund reported refund_id %s for %s (the books: %s)"
                                % (a.get("refund_id"), want, refund_by_no[want].get("refund_id")))
        if s.closed_reported and book is not None and book.get("trade_state") != "CLOSED":
            chk.violate("close-intent reported %s closed, the books say %s" % (no, book.get("trade_state")))
    return faults


# --------------------------------------------------------------------------------------------------------------
# Events

def create_event(s):
    return {"amount": s.amount, "description": "Fault campaign order", "idempotency_key": s.key, "channel": "native"}


def refund_event(s, rk, amount):
    return {"intent_id": order_no(s.mchid, s.key), "idempotency_key": rk, "amount": amount,
            "reason": "the parcel arrived damaged"}


def op_paths(fn, s):
    """Request paths (prefixes) an operation's calls go to, with the method, for aiming faults."""
    q = "/v3/pay/transactions/out-trade-no/" + order_no(s.mchid, s.key)
    return {
        "create-intent": [("/v3/pay/transactions/native", "POST"), ("/v3/pay/transactions/out-trade-no/", "GET")],
        "intent-status": [("/v3/pay/transactions/out-trade-no/", "GET"), (q, "GET")],
        "close-intent": [("/v3/pay/transactions/out-trade-no/", "GET"), (q + "/close", "POST")],
        "refund": [(q, "GET"), ("/v3/refund/domestic/refunds/", "GET"), ("/v3/refund/domestic/refunds", "POST")],
    }[fn]


def random_rule(rng, fn, s):
    kind = rng.choice(KINDS)
    path, method = rng.choice(op_paths(fn, s) + [(None, None)])
    if kind == "other-order" and (path is None or path == "/v3/pay/transactions/native"):
        # A prepay answer names no order: nothing the client could check it against.
        path, method = ("/v3/pay/transactions/out-trade-no/", "GET")
    rule = {"kind": kind, "count": rng.choice([1, 1, 1, 2, 3]), "when": rng.choice(["before", "after"])}
    if path:
        rule["path_prefix"] = path
    if method:
        rule["method"] = method
    if kind == "delay":
        rule["delay_ms"] = rng.choice([50, 200, 600])
    if kind == "timeout":
        rule["delay_ms"] = BUDGET_MS + 1500
    return rule


# --------------------------------------------------------------------------------------------------------------
# A caller

class Schedule:
    def __init__(self, rng, mchid, index):
        self.rng = rng
        self.mchid = mchid
        self.key = "conv-%d-%s" % (index, "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10)))
        self.amount = rng.choice([100, 1999, 5000])
        self.refund_keys = []
        self.successes = []
        self.closed_reported = False
        self.calls = 0


def agent_call(chk, emu, s, fn, event, faulty=True, tries=5):
    """Calls `fn` like an agent: faults queued first (random), the same input again after a retryable failure and
    sometimes after a final one. Returns the last call."""
    rng = s.rng
    emu.clear()
    if faulty:
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            emu.inject(random_rule(rng, fn, s))
    call = None
    for attempt in range(tries):
        call = emu.run(fn, event)
        s.calls += 1
        ok = chk.documented(call, "key %s: " % s.key)
        if ok:
            s.successes.append(call)
            if fn == "close-intent" and call.answer.get("closed"):
                s.closed_reported = True
            return call
        if call.status == "hung":
            return call
        retry = bool(call.error and call.error.get("retryable")) or rng.random() < 0.3
        if not retry:
            return call
    return call


def run_schedule(chk, emu, s):
    rng = s.rng
    c = agent_call(chk, emu, s, "create-intent", create_event(s))
    if rng.random() < 0.4:
        agent_call(chk, emu, s, "create-intent", create_event(s))          # a duplicated tool call
    if rng.random() < 0.5:
        agent_call(chk, emu, s, "intent-status", {"idempotency_key": s.key})
    paid = False
    if rng.random() < 0.65:
        r = emu.control("POST", "/_emulator/orders/%s/pay" % order_no(s.mchid, s.key), {})
        paid = r.get("order", {}).get("trade_state") in ("SUCCESS", "REFUND")
        agent_call(chk, emu, s, "intent-status",
                   rng.choice([{"idempotency_key": s.key}, {"intent_id": order_no(s.mchid, s.key)}]))
    if paid:
        for _ in range(rng.choice([1, 1, 2])):
            rk = "refund-%s-%d" % (s.key, len(s.refund_keys))
            s.refund_keys.append(rk)
            amount = rng.choice([s.amount, s.amount // 4, s.amount // 2])
            for _ in range(rng.choice([1, 2])):                              # the same refund asked again
                agent_call(chk, emu, s, "refund", refund_event(s, rk, amount))
    else:
        agent_call(chk, emu, s, "close-intent",
                   rng.choice([{"idempotency_key": s.key}, {"intent_id": order_no(s.mchid, s.key)}]))
    if rng.random() < 0.5:
        agent_call(chk, emu, s, "create-intent", create_event(s))          # the agent comes back to the intent
    # WeChat Pay healthy again: the caller gets its one order back.
    emu.clear()
    final = emu.run("create-intent", create_event(s), HEALTHY_BUDGET_MS)
    s.calls += 1
    if chk.documented(final, "key %s (healthy): " % s.key):
        s.successes.append(final)
    else:
        chk.violate("key %s: with WeChat Pay healthy again create-intent did not answer: %r" % (s.key, final))


# --------------------------------------------------------------------------------------------------------------
# The matrix: each kind, each operation, before and after, armed for every attempt

def matrix_case(chk, emu, kind, fn, when, index):
    rng = random.Random(index)
    s = Schedule(rng, emu.mchid, 900000 + index)
    no = order_no(s.mchid, s.key)
    emu.clear()
    # The order (and its payment) exist before the fault, except for the create-intent case itself.
    if fn != "create-intent":
        first = emu.run("create-intent", create_event(s), HEALTHY_BUDGET_MS)
        if first.status != 0:
            chk.violate("matrix %s/%s/%s: setup create-intent failed: %r" % (kind, fn, when, first))
            return 0
        s.successes.append(first)
    if fn == "refund":
        emu.control("POST", "/_emulator/orders/%s/pay" % no, {})
        rk = "refund-%s" % s.key
        s.refund_keys.append(rk)
        event = refund_event(s, rk, s.amount // 2)
    elif fn == "create-intent":
        event = create_event(s)
    elif fn == "intent-status":
        event = {"idempotency_key": s.key}
    else:
        event = {"intent_id": no}
    rule = {"kind": kind, "count": 50, "when": when}
    if kind == "other-order" and fn == "create-intent":
        # A prepay answer names no order; the fault is aimed at the lookup a repeated create-intent makes.
        emu.run("create-intent", event, HEALTHY_BUDGET_MS)
        rule.update({"path_prefix": "/v3/pay/transactions/out-trade-no/", "method": "GET"})
    elif kind == "other-order" and fn == "close-intent" and when == "before":
        # The lookup gets the foreign answer ...
        rule.update({"method": "GET"})
    elif kind == "other-order" and fn == "close-intent":
        # ... and, with "after", the close itself: the 204 of another close (the order is read back).
        rule.update({"method": "POST", "when": "before"})
    if kind == "timeout":
        rule["delay_ms"] = BUDGET_MS + 1500
    if kind == "delay":
        rule["delay_ms"] = 100
    emu.inject(rule)
    # Only the faults that hold the answer need the short budget; the others must not run out of time on a busy
    # machine (the expected status is not TIMED_OUT for them).
    call = emu.run(fn, event, BUDGET_MS if kind in ("timeout", "drip") else 5000)
    emu.clear()
    ctx = "matrix %s/%s/%s: " % (kind, fn, when)
    ok = chk.documented(call, ctx)
    want = EXPECTED[kind]
    if want is None:
        if not ok:
            chk.violate("%sexpected success: %r" % (ctx, call))
    elif call.status != want[0] or call.code != want[1]:
        chk.violate("%sexpected exit %d %s, got %r" % (ctx, want[0], want[1], call))
    if ok:
        s.successes.append(call)
        if fn == "close-intent" and call.answer.get("closed"):
            s.closed_reported = True
    # Healthy again: the same call succeeds, with the same order or refund.
    again = emu.run(fn, event, HEALTHY_BUDGET_MS)
    if chk.documented(again, ctx + "healthy again: "):
        s.successes.append(again)
        if fn == "close-intent" and again.answer.get("closed"):
            s.closed_reported = True
    else:
        chk.violate("%sthe same call with WeChat Pay healthy again failed: %r" % (ctx, again))
    matrix_case.schedules.append((emu, s))
    return 1


matrix_case.schedules = []


# --------------------------------------------------------------------------------------------------------------
# Controls: the checks must see a doubled order and a foreign confirmation when there is one

class _Sink:
    def __init__(self):
        self.violations = []

    def violate(self, what):
        self.violations.append(what)


def controls(chk, bin_dir, work, keys):
    """Two deliberate violations on a separate emulator, which the checks above must report: a second order for one
    key (create-intent with `attempt: 2`, which makes one by design), and another order's prepay answer taken for
    one's own (other-order aimed at a prepay, which the client cannot detect)."""
    emu = Emulator(bin_dir, work, keys, "control")
    try:
        doubled, foreign, other = (Schedule(random.Random(i), emu.mchid, 990000 + i) for i in range(3))
        for s in (doubled, other):
            s.successes.append(emu.run("create-intent", create_event(s), HEALTHY_BUDGET_MS))
        second = dict(create_event(doubled), attempt=2)
        emu.run("create-intent", second, HEALTHY_BUDGET_MS)
        emu.inject({"kind": "other-order", "path_prefix": "/v3/pay/transactions/native", "when": "after"})
        call = emu.run("create-intent", create_event(foreign), HEALTHY_BUDGET_MS)
        if call.status == 0:
            foreign.successes.append(call)
        sink = _Sink()
        check_emulator(Checker(sink, threading.Lock()), emu, [doubled, foreign, other])
        seen = " | ".join(sink.violations)
        if "orders in the emulator's books" not in seen or "order numbers" not in seen:
            chk.violate("control: a second order for one key was not reported (%s)" % seen)
        if "confirmation" not in seen:
            chk.violate("control: another order's prepay answer taken for one's own was not reported (%s)" % seen)
        return len(sink.violations)
    finally:
        emu.stop()


# --------------------------------------------------------------------------------------------------------------

def campaign_wechat(ctx, rng, short, tally_class):
    t = tally_class("wechat")
    lock = threading.Lock()
    chk = Checker(t, lock)
    work = tempfile.mkdtemp(prefix="wxpay-faults-wechat-")
    keys = os.path.join(work, "keys")
    subprocess.run([os.path.join(ctx.bin, "wxpay-emulator"), "init", "--out", keys, "--notify-url",
                    "http://127.0.0.1:9/notify"], check=True, stdout=subprocess.DEVNULL)
    emus = [Emulator(ctx.bin, work, keys, "emu%d" % i) for i in range(WORKERS)]
    total = 30 if short else 500
    mchid = emus[0].mchid
    schedules = [Schedule(random.Random(rng.getrandbits(64)), mchid, i) for i in range(total)]
    per_emu = {id(e): [] for e in emus}
    matrix_runs = [0]
    try:
        # The matrix (every kind x operation x timing), spread over the workers.
        cases = [(k, fn, w) for k in KINDS for fn in OPS for w in ("before", "after")]
        if short:
            # Each kind twice: one function before, the next one after (every function and timing is met).
            cases = [(k, OPS[(i + d) % len(OPS)], w) for i, k in enumerate(KINDS)
                     for d, w in ((0, "before"), (1, "after"))]

        def matrix_worker(i, emu):
            for j, (k, fn, w) in enumerate(cases):
                if j % WORKERS == i:
                    n = matrix_case(chk, emu, k, fn, w, j)
                    with lock:
                        matrix_runs[0] += n

        threads = [threading.Thread(target=matrix_worker, args=(i, e)) for i, e in enumerate(emus)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        t0 = time.monotonic()

        def worker(i, emu):
            for j, s in enumerate(schedules):
                if j % WORKERS == i:
                    run_schedule(chk, emu, s)
                    per_emu[id(emu)].append(s)

        threads = [threading.Thread(target=worker, args=(i, e)) for i, e in enumerate(emus)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        schedule_wall = time.monotonic() - t0
        for emu in emus:
            mine = per_emu[id(emu)] + [s for e, s in matrix_case.schedules if e is emu]
            t.faults += check_emulator(chk, emu, mine)
        caught = controls(chk, ctx.bin, work, keys)
        t.runs = total + matrix_runs[0]
        calls = sum(s.calls for s in schedules)
        t.notes.append("%d random schedules (%d function runs, %.0f s) and %d matrix cases (%d kinds x %d functions x "
                       "before/after%s); %d emulators, WXPAY_TIME_BUDGET_MS=%d"
                       % (total, calls, schedule_wall, matrix_runs[0], len(KINDS), len(OPS),
                          ", 2 per kind" if short else "", WORKERS, BUDGET_MS))
        t.notes.append("other-order is not aimed at prepay calls: WeChat Pay's prepay answer names no order")
        t.notes.append("controls: a second order for one key and another order's prepay answer, made on purpose on "
                       "a separate emulator, were reported by the same checks (%d findings, expected)" % caught)
    finally:
        for e in emus:
            e.stop()
        matrix_case.schedules = []
        shutil.rmtree(work, ignore_errors=True)
    return t.done()
