"""Fault campaigns for `wxpay-server`'s POST /webhook and the soak (issue 15, items 1, 2 and 6), run by campaign.py.

  server-kill        wxpay-server processes SIGKILLed at random points while 4 notifications at a time are handed
                     off to WXPAY_EVENTS_FILE (and, in half the cycles, to a slow forward_url), plus fragments of
                     killed writers injected under the lock; then every unacknowledged notification is redelivered
                     to a fresh server until acknowledged. Checked as for `kill`: every acknowledged event exactly once
                     (if delivered once) and whole, no fragment glued to an event, nothing lost after the retries.
  server-concurrent  64 requests at once to one warm server, events of 5-40 KiB (over PIPE_BUF): every line whole,
                     each acknowledged event exactly once; a 503 (the concurrency limit) is retried after Retry-After.
  soak               the emulator places and pays 10,000 orders (short: 300) and delivers each notification 1-3 times,
                     shuffled, 32 at a time (POST /_emulator/soak), to wxpay-server and then to webhook processes
                     (one process per request behind a small adapter): every paid order is in the events file,
                     deduplicating by `id` leaves each exactly once, no line is anything but a whole event of a paid
                     order, and the server's resident memory is flat over the run.

A delivery is acknowledged when the answer is 200 with {"code": "SUCCESS"}; WeChat Pay retries anything else.
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time

# campaign.py (the runner) sets this to itself before running a campaign: Tally, Note, check_file, ... live there.
base = None

SERVER_START_S = 20.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One wxpay-server process on a free loopback port, serving webhook, healthz and metrics."""

    def __init__(self, ctx, env):
        self.port = free_port()
        self.log = open(os.path.join(ctx.work, "server-%d.log" % self.port), "wb")
        argv = [os.path.join(ctx.bin, "wxpay-server"), "--host", "127.0.0.1", "--port", str(self.port),
                "--routes", "webhook,healthz,metrics"]
        self.p = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("wxpay-server exited with %s at start (log %s)" % (self.p.returncode, self.log.name))
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                time.sleep(0.02)
        self.p.kill()
        raise RuntimeError("wxpay-server did not answer /healthz within %.0f s" % SERVER_START_S)

    @property
    def url(self):
        return "http://127.0.0.1:%d/webhook" % self.port

    def rss_kib(self):
        try:
            with open("/proc/%d/status" % self.p.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def kill(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()
        self.log.close()

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


def post(port, note, timeout=10.0):
    """POSTs `note` (signed now) to /webhook: (status, parsed answer or None, Retry-After or None); status None when
    the connection failed or was cut before a whole answer."""
    envelope = json.loads(note.envelope())
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        c.request("POST", "/webhook", body=envelope["body"].encode(), headers=envelope["headers"])
        r = c.getresponse()
        data = r.read()
        retry_after = r.getheader("Retry-After")
        c.close()
    except (OSError, http.client.HTTPException):
        return None, None, None
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    return r.status, answer, retry_after


def acked(status, answer):
    return status == 200 and isinstance(answer, dict) and answer.get("code") == "SUCCESS"


def deliver_until_acked(port, note, tries=5):
    for _ in range(tries):
        note.attempts += 1
        status, answer, retry_after = post(port, note)
        if acked(status, answer):
            note.acked = 1
            return True
        time.sleep(min(1.0, float(retry_after or 0.05)))
    return False


# --------------------------------------------------------------------------------------------------------------

def campaign_server_kill(ctx, rng, short):
    t = base.Tally("server-kill")
    total = 60 if short else 520
    width = 4
    d = tempfile.mkdtemp(prefix="skill-", dir=ctx.work)
    events = os.path.join(d, "events.ndjson")
    sec_file = ctx.secrets_file("skill-file")
    sec_fwd = ctx.secrets_file("skill-fwd", "slow")
    notes, phantoms, injected = [], set(), 0
    landed, starts = 0, []

    def inject_fragment():
        nonlocal injected
        src = rng.choice(notes) if notes else None
        if src is None:
            return
        phantom = base.uuid.uuid4().hex
        line = json.dumps({"id": phantom, "resource": src.resource}, ensure_ascii=False).encode()
        cut = rng.choice([1, rng.randrange(1, len(line)), min(4096, len(line)), len(line) - 1, len(line)])
        with open(events, "ab") as f:
            base.fcntl.flock(f, base.fcntl.LOCK_EX)
            f.write(line[:cut])
            f.flush()
            base.fcntl.flock(f, base.fcntl.LOCK_UN)
        phantoms.add(phantom)
        injected += 1
        t.faults += 1

    done = 0
    while done < total:
        if rng.random() < 0.15:
            inject_fragment()
        kind = "fwd" if rng.random() < 0.5 else "file"
        t0 = time.monotonic()
        server = Server(ctx, ctx.env(sec_fwd if kind == "fwd" else sec_file, events))
        starts.append(time.monotonic() - t0)
        batch = [base.Note(ctx.sandbox, rng, "S", rng.choice([200, 3000, 9000, 30000])) for _ in range(width)]
        results = {}

        def go(n):
            n.attempts = 1
            results[n.id] = post(server.port, n, timeout=5)
        threads = [threading.Thread(target=go, args=(n,)) for n in batch]
        # 70 %: SIGKILL at a random moment inside the first 40 ms (a warm hand-off takes a few ms); 30 %: left alone
        delay = rng.uniform(0, 0.04) if rng.random() < 0.7 else None
        for th in threads:
            th.start()
        if delay is not None:
            time.sleep(delay)
            server.kill()
            landed += 1
            t.faults += 1
        for th in threads:
            th.join()
        if delay is None:
            server.stop()
        for n in batch:
            done += 1
            t.runs += 1
            notes.append(n)
            status, answer, _ = results.get(n.id, (None, None, None))
            if acked(status, answer):
                n.acked = 1
                if kind == "fwd":
                    got = [x for x in ctx.receiver.ids("slow") if x[1] == n.id]
                    if not got:
                        t.violate("acknowledged %s was not received with a valid signature by forward_url" % n.id)
            elif status is not None and status < 500:
                t.violate("notification %s answered %s %r" % (n.id, status, answer))
            elif delay is None and status is None:
                t.violate("an undisturbed server cut the answer to %s" % n.id)
    acked_first = sum(1 for n in notes if n.acked)
    _, _, counts = base.check_file(base.Tally("scratch"), events, notes, exact_once=(), extra_ids=phantoms)
    killed_in_file = sum(1 for n in notes if not n.acked and counts.get(n.id))
    # WeChat Pay retries what was not acknowledged: a fresh, undisturbed server until acknowledged.
    server = Server(ctx, ctx.env(sec_file, events))
    try:
        for n in notes:
            if not n.acked and not deliver_until_acked(server.port, n):
                t.violate("redelivery of %s never acknowledged" % n.id)
    finally:
        server.stop()
    fragments, duplicates, counts = base.check_file(t, events, notes,
                                                    exact_once={n.id for n in notes if n.attempts == 1},
                                                    extra_ids=phantoms)
    lost = sum(1 for n in notes if not counts.get(n.id))
    t.notes.append("%d servers SIGKILLed with 4 notifications in flight, %d fragments of killed writers injected; "
                   "server start to /healthz: median %.0f ms" % (landed, injected, statistics.median(starts) * 1000))
    t.notes.append("%d acknowledged at first delivery, %d killed then redelivered (%d of them had already written "
                   "their line: duplicates %d, allowed, dedupe by id); %d fragment lines skipped; lost: %d"
                   % (acked_first, len(notes) - acked_first, killed_in_file, duplicates, fragments, lost))
    return t.done()


def campaign_server_concurrent(ctx, rng, short):
    t = base.Tally("server-concurrent")
    rounds = 1 if short else 6
    d = tempfile.mkdtemp(prefix="sconc-", dir=ctx.work)
    events = os.path.join(d, "events.ndjson")
    server = Server(ctx, ctx.env(ctx.secrets_file("sconc"), events))
    notes, busy = [], [0]
    try:
        for _ in range(rounds):
            batch = [base.Note(ctx.sandbox, rng, "Q", rng.randrange(5 * 1024, 40 * 1024)) for _ in range(64)]
            gate = threading.Barrier(64)

            def go(n):
                gate.wait()
                n.attempts = 1
                status, answer, retry_after = post(server.port, n)
                while status == 503:   # the concurrency limit: WeChat Pay retries later
                    busy[0] += 1
                    if retry_after is None:
                        t.violate("503 without Retry-After")
                    time.sleep(0.05)
                    n.attempts += 1
                    status, answer, retry_after = post(server.port, n)
                if acked(status, answer):
                    n.acked = 1
                else:
                    t.violate("not acknowledged under concurrency: %s %r" % (status, answer))
            threads = [threading.Thread(target=go, args=(n,)) for n in batch]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            t.runs += 64
            t.faults += 64
            notes += batch
    finally:
        server.stop()
    fragments, _, _ = base.check_file(t, events, notes, exact_once={n.id for n in notes if n.acked})
    if fragments:
        t.violate("%d lines are not whole JSON objects" % fragments)
    lines = [l for l in base.read_lines(events) if l]
    small = sum(1 for l in lines if len(l) <= 4096)
    if small:
        t.violate("%d lines are not larger than PIPE_BUF: the campaign does not test what it should" % small)
    t.notes.append("%d events of %d-%d bytes a line, 64 requests at once to one server; %d answered 503 (concurrency "
                   "limit) and were retried" % (len(lines), min(map(len, lines)) if lines else 0,
                                                max(map(len, lines)) if lines else 0, busy[0]))
    return t.done()


# --------------------------------------------------------------------------------------------------------------
# Soak

class Emulator:
    def __init__(self, ctx):
        self.dir = tempfile.mkdtemp(prefix="soak-emu-", dir=ctx.work)
        emu = os.path.join(ctx.bin, "wxpay-emulator")
        subprocess.run([emu, "init", "--out", self.dir, "--notify-url", "http://127.0.0.1:9/unused"], check=True,
                       stdout=subprocess.DEVNULL)
        self.out = open(os.path.join(self.dir, "emulator.out"), "w+")
        self.p = subprocess.Popen([emu, "serve", "--sandbox", os.path.join(self.dir, "sandbox.json"), "--port", "0",
                                   "--no-deliver"], stdout=self.out, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, LOG_LEVEL="error"))
        for _ in range(400):
            self.out.seek(0)
            first = self.out.readline()
            if "listening" in first:
                self.base = json.loads(first)["listening"]
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("wxpay-emulator did not start")
        with open(os.path.join(self.dir, "secrets.json")) as f:
            secrets = json.load(f)
        secrets["api_base"] = self.base
        self.secrets = os.path.join(self.dir, "merchant.json")
        with open(self.secrets, "w") as f:
            json.dump(secrets, f)

    def soak(self, notify_url, count, seed):
        host, port = self.base.split("//")[1].split(":")
        c = http.client.HTTPConnection(host, int(port), timeout=3600)
        c.request("POST", "/_emulator/soak", body=json.dumps({
            "notify_url": notify_url, "count": count, "min_copies": 1, "max_copies": 3, "concurrency": 32,
            "seed": seed}), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError("soak refused: %s %s" % (r.status, data[:300]))
        return json.loads(data)

    def close(self):
        self.p.terminate()
        self.p.wait()
        self.out.close()


class ProcessAdapter:
    """HTTP in, one `webhook` process per request (a plain HTTP envelope on stdin), its answer out."""

    def __init__(self, ctx, env):
        import http.server
        webhook = ctx.webhook

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                envelope = {"httpMethod": "POST", "path": self.path,
                            "headers": {k: v for k, v in self.headers.items()},
                            "body": body.decode("utf-8", "replace"), "isBase64Encoded": False}
                r = subprocess.run([webhook], input=json.dumps(envelope).encode(), capture_output=True, env=env)
                status, payload = 500, b'{"code":"FAIL","message":"no answer"}'
                try:
                    answer = json.loads(r.stdout)
                    status = int(answer.get("statusCode", 500))
                    payload = answer.get("body", "").encode()
                except (ValueError, AttributeError, TypeError):
                    pass
                if r.returncode != 0 and status == 200:
                    status = 500
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/webhook" % self.port

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def check_soak(t, label, events, result):
    orders = {o["notification_id"]: o for o in result["orders"]}
    seen, bad = {}, 0
    for i, line in enumerate(base.read_lines(events)):
        if not line:
            continue
        obj = base.parse_object(line)
        if obj is None:
            bad += 1
            t.violate("%s: line %d is not a whole JSON object" % (label, i + 1))
            continue
        o = orders.get(obj.get("id"))
        if o is None:
            t.violate("%s: line %d is an event of no paid order: %r" % (label, i + 1, line[:100]))
            continue
        resource = obj.get("resource") or {}
        if obj.get("out_trade_no") != o["out_trade_no"] or resource.get("transaction_id") != o["transaction_id"]:
            t.violate("%s: event %s does not describe the order it was sent for" % (label, obj.get("id")))
        seen[obj["id"]] = seen.get(obj["id"], 0) + 1
    lost = [nid for nid in orders if nid not in seen]
    for nid in lost[:20]:
        t.violate("%s: paid order %s (notification %s) is not in the events file"
                  % (label, orders[nid]["out_trade_no"], nid))
    if result["failed"]:
        t.violate("%s: %d deliveries were never acknowledged" % (label, result["failed"]))
    lines = sum(seen.values())
    t.runs += result["deliveries"]
    t.faults += result["deliveries"] - len(orders)     # the redeliveries
    return lines, len(seen), len(lost)


def campaign_soak(ctx, rng, short):
    t = base.Tally("soak")
    count = 300 if short else 10_000
    emu = Emulator(ctx)
    try:
        # 1. to wxpay-server, its memory sampled over the run
        events = os.path.join(emu.dir, "server-events.ndjson")
        env = ctx.env(emu.secrets, events)
        server = Server(ctx, env)
        samples, stop = [], threading.Event()

        def sample():
            while not stop.is_set():
                kib = server.rss_kib()
                if kib:
                    samples.append(kib)
                stop.wait(0.25)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            result = emu.soak(server.url, count, rng.randrange(1, 2**31 - 1))
        finally:
            stop.set()
            sampler.join()
            server.stop()
        lines, unique, lost = check_soak(t, "server", events, result)
        t.notes.append("wxpay-server: %d paid orders, %d deliveries (each notification 1-3 times, shuffled, 32 at a "
                       "time) in %.1f s, %d attempts; %d event lines, %d unique ids, %d lost"
                       % (count, result["deliveries"], result["ms"] / 1000, result["attempts"], lines, unique, lost))
        if len(samples) >= 8:
            n = len(samples)
            early = statistics.median(samples[n // 5: n * 3 // 10 + 1])
            late = statistics.median(samples[n * 9 // 10:])
            growth = late - early
            t.notes.append("wxpay-server RSS: %.1f MiB at 20-30 %% of the run, %.1f MiB in the last 10 %%, peak %.1f "
                           "MiB (%d samples)" % (early / 1024, late / 1024, max(samples) / 1024, n))
            if not short and growth > max(8 * 1024, early * 0.10):
                t.violate("server memory grew by %.1f MiB over the soak" % (growth / 1024))
        elif not short:
            t.violate("too few memory samples (%d) to judge the server's memory" % len(samples))
        # 2. to webhook processes
        events = os.path.join(emu.dir, "process-events.ndjson")
        adapter = ProcessAdapter(ctx, ctx.env(emu.secrets, events))
        try:
            result = emu.soak(adapter.url, count if not short else 150, rng.randrange(1, 2**31 - 1))
        finally:
            adapter.close()
        lines, unique, lost = check_soak(t, "process", events, result)
        t.notes.append("webhook processes: %d paid orders, %d deliveries in %.1f s; %d event lines, %d unique ids, "
                       "%d lost" % (len(result["orders"]), result["deliveries"], result["ms"] / 1000, lines, unique,
                                    lost))
    finally:
        emu.close()
    return t.done()


SERVER_CAMPAIGNS = {
    "server-kill": campaign_server_kill,
    "server-concurrent": campaign_server_concurrent,
    "soak": campaign_soak,
}
