#!/usr/bin/env python3
"""Fault campaigns for `webhook`'s hand-off and the payment functions (issue 15, "nothing lost, nothing doubled":
items 1, 2, 3, 4, 5, 7).

Every campaign runs `webhook` as a process on signed, encrypted notifications made here (AES-256-GCM with the APIv3
key, RSA-SHA256 with the platform key of a `wxpay-simulate keys` sandbox), injects faults, and counts violations of
docs/handoff.md ("What acknowledged guarantees"). Acknowledged means exit 0 with a 200 `SUCCESS` answer.

  kill        webhook processes (4 at a time) SIGKILLed at random points while handing off to WXPAY_EVENTS_FILE
              and to a slow local forward_url receiver, plus fragments of killed writers injected under the lock;
              then every unacknowledged notification is redelivered (WeChat's retry) until acknowledged.
              Checked: every acknowledged event is in the file exactly once (as long as it was not redelivered) and
              whole, and was received by the forward receiver with a valid Wxpay-Agent-Signature; every line that is
              a JSON object is a whole event of a notification sent; no line holding an acknowledged event is
              anything but that event (no fragment glued to it); after the retries nothing is lost (duplicates
              of unacknowledged deliveries are allowed and counted: consumers deduplicate by `id`).
  concurrent  64 webhook processes started at once appending events of 5-40 KiB (over PIPE_BUF): every line whole,
              no interleaving, every acknowledged event exactly once, nothing else in the file.
  storage     the events file on /dev/full, in a missing directory, under a regular file, at the file-size limit
              (RLIMIT_FSIZE set by a Python shim, then exec), on a read-only mount, on a full filesystem (a small
              tmpfs: a short write, then ENOSPC), and the directory removed or the file renamed away while the
              append waits for the lock: never acknowledged (exit 69, HTTP 500 HANDOFF_FAILED) and the file byte for
              byte as before where it still exists, or, when the path still leads to a file, the event in it.
              The mount cases run in a private mount namespace (`unshare -m`, root).
  wechat      (Tests/faults/wechat.py) WeChat Pay faults injected by wxpay-emulator under create-intent,
              intent-status, close-intent and refund: every fault kind x function x before/after for its documented
              exit status, then 500 random schedules of an agent retrying with the same keys; counted from the
              emulator's raw request log and books: at most one order per idempotency key, one refund per refund
              key, no success reported about another order.
  forward     forward_url that hangs, never accepts, resets the connection, answers 500, drips its answer, refuses
              the connection, and a hang with WXPAY_FORWARD_TIMEOUT_MS over the budget: never acknowledged, the
              process ends well inside WeChat Pay's 5 s (bound: FORWARD_BOUND_S), and with WXPAY_EVENTS_FILE also
              set each refused attempt leaves exactly one whole line (duplicates by design; a retry that succeeds
              adds one more).

Usage: campaign.py [--short] [--only kill,concurrent,...] [--seed S] [BIN_DIR (default $WXPAY_BIN_DIR)]
`FAULTS_SHORT=1` is the same as --short (about 50 kills, one round of 64, a few runs per case).
Prints one table (campaign, runs, faults injected, violations, wall time) and exits 1 on any violation.
"""
import argparse
import base64
import fcntl
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORWARD_BOUND_S = 2.0      # a refused forward must end the process within this (WeChat Pay waits 5 s)
PROCESS_TIMEOUT_S = 20.0   # any webhook process still running after this is a violation (and is killed)
SIM_RESOURCE_PAD = "付款备注-fault-campaign-"


# --------------------------------------------------------------------------------------------------------------
# Notifications, made independently of the code under test

class Sandbox:
    def __init__(self, sandbox_path):
        from cryptography.hazmat.primitives import serialization
        with open(sandbox_path) as f:
            s = json.load(f)
        self.mchid, self.appid, self.apiv3 = s["mchid"], s["appid"], s["apiv3_key"].encode()
        self.key = serialization.load_pem_private_key(s["platform_private_key"].encode(), password=None)
        self.serial = s["public_key_id"]

    def resource(self, out_trade_no, pad):
        return {"appid": self.appid, "mchid": self.mchid, "out_trade_no": out_trade_no,
                "transaction_id": "4200" + "".join(random.choice("0123456789") for _ in range(24)),
                "trade_type": "JSAPI", "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "OTHERS",
                "success_time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600)),
                "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                "amount": {"total": 1999, "payer_total": 1999, "currency": "CNY", "payer_currency": "CNY"},
                "promotion_detail": [{"name": pad}]}

    def body(self, nid, resource):
        """The notification body: fixed once made (WeChat Pay's retries resend the same notification)."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        nonce = uuid.uuid4().hex[:12]
        plain = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
        ct = AESGCM(self.apiv3).encrypt(nonce.encode(), plain, b"transaction")
        return json.dumps({"id": nid, "create_time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00",
                                                                   time.gmtime(time.time() + 8 * 3600)),
                           "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
                           "summary": "支付成功",
                           "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                                        "ciphertext": base64.b64encode(ct).decode(), "associated_data": "transaction",
                                        "nonce": nonce}}, ensure_ascii=False, separators=(",", ":"))

    def envelope(self, body):
        """A plain HTTP envelope of the notification `body`, signed now, for `webhook`'s stdin."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        ts, sig_nonce = str(int(time.time())), uuid.uuid4().hex
        sig = self.key.sign(f"{ts}\n{sig_nonce}\n{body}\n".encode(), padding.PKCS1v15(), hashes.SHA256())
        headers = {"Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": sig_nonce,
                   "Wechatpay-Signature": base64.b64encode(sig).decode(), "Wechatpay-Serial": self.serial,
                   "Request-ID": str(uuid.uuid4())}
        return json.dumps({"headers": headers, "body": body, "isBase64Encoded": False}).encode()


class Note:
    """One notification of a campaign: its id, its decrypted resource, what became of its deliveries."""
    def __init__(self, sandbox, rng, tag, pad_bytes):
        self.id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.out_trade_no = "FT%s%06d" % (tag, rng.randrange(10**6))
        unit = SIM_RESOURCE_PAD + self.id + "|"
        pad = (unit * (pad_bytes // len(unit.encode()) + 1))
        while len(pad.encode()) > pad_bytes:
            pad = pad[:-1]
        self.resource = sandbox.resource(self.out_trade_no, pad)
        self.body = sandbox.body(self.id, self.resource)
        self.sandbox = sandbox
        self.attempts = 0
        self.acked = 0
        self.event = None      # the event of an acknowledged delivery (from the answer)

    def envelope(self):
        return self.sandbox.envelope(self.body)


# --------------------------------------------------------------------------------------------------------------
# Processes

class Run:
    def __init__(self, status, out, err, wall, killed):
        self.status, self.out, self.err, self.wall, self.killed = status, out, err, wall, killed

    def answer(self):
        try:
            a = json.loads(self.out)
            return a if isinstance(a, dict) else None
        except ValueError:
            return None

    def acked(self):
        """exit 0 and a 200 SUCCESS answer; None when the two disagree (a violation)."""
        a = self.answer()
        ok_answer = False
        if a is not None and a.get("statusCode") == 200:
            try:
                ok_answer = json.loads(a.get("body", "{}")).get("code") == "SUCCESS"
            except (ValueError, AttributeError):
                ok_answer = False
        if self.status == 0 and ok_answer:
            return True
        if self.status != 0 and not ok_answer:
            return False
        return None

    def handoff_failed(self):
        a = self.answer()
        try:
            body = json.loads(a["body"]) if a else {}
        except (ValueError, TypeError, KeyError):
            body = {}
        return self.status == 69 and a.get("statusCode") == 500 and body.get("error", {}).get("code") == "HANDOFF_FAILED"

    def __repr__(self):
        return "exit=%s killed=%s wall=%.3fs out=%s err=%s" % (self.status, self.killed, self.wall, self.out[:300],
                                                                self.err[-300:])


def start(argv, env, stdin_bytes):
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    t0 = time.monotonic()
    return p, t0


def finish(p, t0, stdin_bytes, kill_after=None):
    """Feeds stdin, optionally SIGKILLs after `kill_after` s from start, waits (bounded)."""
    out, err = [], []

    def pump_out(stream, sink):
        sink.append(stream.read())

    to = threading.Thread(target=pump_out, args=(p.stdout, out), daemon=True)
    te = threading.Thread(target=pump_out, args=(p.stderr, err), daemon=True)
    to.start()
    te.start()
    try:
        p.stdin.write(stdin_bytes)
        p.stdin.close()
    except (BrokenPipeError, OSError):
        pass
    killed = False
    if kill_after is not None:
        remaining = kill_after - (time.monotonic() - t0)
        try:
            p.wait(timeout=max(0.0, remaining))
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            killed = True
    try:
        p.wait(timeout=PROCESS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    wall = time.monotonic() - t0
    to.join(5)
    te.join(5)
    killed = killed and p.returncode == -signal.SIGKILL
    return Run(p.returncode, (out[0] if out else b"").decode("utf-8", "replace"),
               (err[0] if err else b"").decode("utf-8", "replace"), wall, killed)


def run_webhook(ctx, env, stdin_bytes, kill_after=None, prefix=()):
    p, t0 = start(list(prefix) + [ctx.webhook], env, stdin_bytes)
    return finish(p, t0, stdin_bytes, kill_after)


# --------------------------------------------------------------------------------------------------------------
# A local forward_url receiver; the path picks the behaviour

class Receiver:
    MODES = ("ok", "slow", "500", "hang", "reset", "drip")

    def __init__(self, secret):
        self.secret = secret.encode()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.received = []          # (mode, event id, signature valid, event object, answered status)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.rng = random.Random(7)
        threading.Thread(target=self.serve, daemon=True).start()
        # never accepts: connections complete in the backlog and wait for an answer that never comes
        self.blackhole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.blackhole.bind(("127.0.0.1", 0))
        self.blackhole.listen(64)
        # refuses: a port bound and closed again
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        self.refused_port = s.getsockname()[1]
        s.close()

    def url(self, mode):
        if mode == "blackhole":
            return "http://127.0.0.1:%d/" % self.blackhole.getsockname()[1]
        if mode == "refused":
            return "http://127.0.0.1:%d/" % self.refused_port
        return "http://127.0.0.1:%d/%s" % (self.port, mode)

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            mode = lines[0].split(" ")[1].strip("/")
            headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
            if mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                body += chunk
            valid = self.verify(headers.get("wxpay-agent-signature", ""), body)
            try:
                event = json.loads(body)
            except ValueError:
                event = None
            status = {"ok": 200, "slow": 200, "500": 500}.get(mode, 200)
            with self.lock:
                self.received.append((mode, event.get("id") if isinstance(event, dict) else None, valid, event, status))
            if mode == "slow":
                time.sleep(self.rng.choice([0, 0, 0.02, 0.1, 0.25, 0.35]))
            if mode == "hang":
                self.stop.wait(4)
                return
            if mode == "drip":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n")
                for _ in range(40):
                    if self.stop.wait(0.1):
                        return
                    conn.sendall(b" ")
                return
            payload = b'{"ok":true}' if status == 200 else b'{"error":"injected"}'
            conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close"
                         b"\r\n\r\n%s" % (status, len(payload), payload))
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def verify(self, header, body):
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if "t" not in parts or "v1" not in parts:
            return False
        mac = hmac.new(self.secret, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, parts["v1"]) and abs(int(parts["t"]) - time.time()) < 300

    def ids(self, mode=None, valid_only=True):
        with self.lock:
            return [r for r in self.received if (mode is None or r[0] == mode) and (r[2] or not valid_only)]

    def close(self):
        self.stop.set()
        self.sock.close()
        self.blackhole.close()


# --------------------------------------------------------------------------------------------------------------
# Context: binaries, keys, secrets files

class Context:
    def __init__(self, bin_dir, work):
        self.bin = bin_dir
        self.webhook = os.path.join(bin_dir, "webhook")
        self.work = work
        keys = os.path.join(work, "keys")
        subprocess.run([os.path.join(bin_dir, "wxpay-simulate"), "keys", "--out", keys, "--forward-url",
                        "http://127.0.0.1:9/placeholder"], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(keys, "secrets.json")) as f:
            self.secrets = json.load(f)
        self.sandbox = Sandbox(os.path.join(keys, "sandbox.json"))
        self.receiver = Receiver(self.secrets["forward_secret"])

    def secrets_file(self, name, forward_mode=None):
        s = dict(self.secrets)
        if forward_mode is None:
            s.pop("forward_url", None)
            s.pop("forward_secret", None)
        else:
            s["forward_url"] = self.receiver.url(forward_mode)
        path = os.path.join(self.work, "secrets-%s.json" % name)
        with open(path, "w") as f:
            json.dump(s, f)
        os.chmod(path, 0o644)
        return path

    def env(self, secrets_path, events_file=None, **extra):
        e = {k: v for k, v in os.environ.items() if not k.startswith("WXPAY_")}
        e["WXPAY_SECRETS_FILE"] = secrets_path
        e["LOG_LEVEL"] = "error"
        if events_file:
            e["WXPAY_EVENTS_FILE"] = events_file
        e.update({k: str(v) for k, v in extra.items()})
        return e


class Tally:
    def __init__(self, name):
        self.name, self.runs, self.faults, self.violations, self.notes = name, 0, 0, [], []
        self.t0 = time.monotonic()
        self.wall = 0.0

    def violate(self, what):
        self.violations.append(what)
        if len(self.violations) <= 20:
            print("  VIOLATION [%s]: %s" % (self.name, what), file=sys.stderr)

    def done(self):
        self.wall = time.monotonic() - self.t0
        return self


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    return data.split(b"\n")


def parse_object(line):
    try:
        v = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    return v if isinstance(v, dict) else None


def embedded_event(line, ids):
    """The id of a whole event object of `ids` inside a line that is not itself a JSON object, if any."""
    text = line.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    pos, tries = text.find("{"), 0
    while pos >= 0 and tries < 400:
        tries += 1
        try:
            obj, _ = decoder.raw_decode(text, pos)
            if isinstance(obj, dict) and obj.get("id") in ids:
                return obj["id"]
        except ValueError:
            pass
        pos = text.find("{", pos + 1)
    return None


def check_file(t, path, notes, exact_once, extra_ids=()):
    """Common checks of an events file against the notifications sent.

    exact_once: ids that must be present as a whole line exactly once; every acknowledged note must be present at
    least once; each JSON-object line must be a whole event of a note sent (or of an injected fragment's phantom)."""
    by_id = {n.id: n for n in notes}
    acked_ids = {n.id for n in notes if n.acked}
    counts, fragments = {}, 0
    lines = read_lines(path)
    if lines and lines[-1] != b"":
        fragments += 1   # a file not ending in a newline: its tail is a fragment (readers skip it)
    for i, line in enumerate(lines):
        if not line:
            continue
        obj = parse_object(line)
        if obj is None:
            fragments += 1
            glued = embedded_event(line, acked_ids)
            if glued:
                t.violate("line %d holds the whole acknowledged event %s glued to other bytes: %r"
                          % (i + 1, glued, line[:80] + b"..." + line[-80:]))
            continue
        nid = obj.get("id")
        if nid in extra_ids:
            continue
        n = by_id.get(nid)
        if n is None:
            t.violate("line %d is a JSON object but no event sent: %r" % (i + 1, line[:120]))
            continue
        counts[nid] = counts.get(nid, 0) + 1
        if obj.get("resource") != n.resource or obj.get("out_trade_no") != n.out_trade_no:
            t.violate("line %d: event %s is not whole/equal to what was sent" % (i + 1, nid))
        elif n.event is not None and obj != n.event:
            t.violate("line %d: event %s differs from the acknowledged answer's event" % (i + 1, nid))
    for n in notes:
        c = counts.get(n.id, 0)
        if n.acked and c == 0:
            t.violate("acknowledged event %s (%s) is not in the events file" % (n.id, n.out_trade_no))
        if n.id in exact_once and c != 1:
            t.violate("acknowledged event %s is in the events file %d times (delivered once)" % (n.id, c))
    duplicates = sum(max(0, c - 1) for c in counts.values())
    return fragments, duplicates, counts


# --------------------------------------------------------------------------------------------------------------
# Campaign 1: SIGKILL during hand-off

def campaign_kill(ctx, rng, short):
    t = Tally("kill")
    total = 50 if short else 500
    width = 4
    d = tempfile.mkdtemp(prefix="kill-", dir=ctx.work)
    events = os.path.join(d, "events.ndjson")
    sec_file = ctx.secrets_file("kill-file")
    sec_fwd = ctx.secrets_file("kill-fwd", "slow")
    notes, phantoms, injected = [], set(), [0, 0]

    # Calibrate: how long an undisturbed run of each kind takes here, and when its line appears in the file.
    def calib(sec):
        walls, appear = [], []
        for _ in range(4):
            n = Note(ctx.sandbox, rng, "C", 6000)
            size0 = os.path.getsize(events) if os.path.exists(events) else 0
            body = n.envelope()
            p, t0 = start([ctx.webhook], ctx.env(sec, events), body)
            seen = {}

            def watch():
                while p.poll() is None and "t" not in seen:
                    if os.path.exists(events) and os.path.getsize(events) != size0:
                        seen["t"] = time.monotonic() - t0
                    time.sleep(0.0002)
            w = threading.Thread(target=watch)
            w.start()
            r = finish(p, t0, body)
            w.join()
            n.attempts, n.acked = 1, int(bool(r.acked()))
            if n.acked:
                n.event = r.answer().get("event")
            notes.append(n)
            walls.append(r.wall)
            appear.append(seen.get("t", r.wall))
        return sorted(walls)[len(walls) // 2], sorted(appear)[len(appear) // 2]
    span = {"file": calib(sec_file), "fwd": calib(sec_fwd)}
    t.notes.append("undisturbed run: %.0f ms file only (line written at ~%.0f ms), %.0f ms file + slow forward; 40 %% "
                   "of the runs killed near the append (line time -3/+2 ms), 40 %% anywhere, 20 %% left alone"
                   % (span["file"][0] * 1000, span["file"][1] * 1000, span["fwd"][0] * 1000))

    def inject_fragment():
        """What a writer killed inside write(2) leaves: a prefix of its line, written under the lock."""
        src = rng.choice([n for n in notes if n.event is not None] or notes)
        phantom = str(uuid.uuid4())
        line = json.dumps(dict(src.event or {"id": src.id, "resource": src.resource}, id=phantom),
                          ensure_ascii=False, separators=(",", ":")).encode().replace(src.id.encode(), phantom.encode())
        cut = rng.choice([1, rng.randrange(1, len(line)), rng.randrange(1, len(line)), min(4096, len(line)),
                          len(line) - 1, len(line)])
        with open(events, "ab") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.write(line[:cut])
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)
        phantoms.add(phantom)
        t.faults += 1
        injected[cut == len(line)] += 1

    done = 0
    while done < total:
        if rng.random() < 0.25:
            inject_fragment()
        batch = []
        for _ in range(min(width, total - done)):
            kind = "fwd" if rng.random() < 0.5 else "file"
            n = Note(ctx.sandbox, rng, "K", rng.choice([200, 3000, 9000, 30000]))
            n.attempts = 1
            wall, line_at = span[kind]
            # 40 %: aimed at the append; 40 %: anywhere in the run; 20 %: left alone, next to killed neighbours
            x = rng.random()
            delay = (max(0.0, line_at + rng.uniform(-0.003, 0.002)) if x < 0.4 else rng.uniform(0, wall * 1.3)
                     if x < 0.8 else None)
            env = ctx.env(sec_fwd if kind == "fwd" else sec_file, events)
            body = n.envelope()
            p, t0 = start([ctx.webhook], env, body)
            batch.append((n, kind, p, t0, body, delay))
        results = []
        threads = []
        for (n, kind, p, t0, body, delay) in batch:
            def go(n=n, p=p, t0=t0, body=body, delay=delay, kind=kind):
                results.append((n, kind, finish(p, t0, body, delay)))
            th = threading.Thread(target=go)
            th.start()
            threads.append(th)
        for th in threads:
            th.join()
        for n, kind, r in results:
            done += 1
            t.runs += 1
            notes.append(n)
            if r.killed:
                t.faults += 1
                continue
            a = r.acked()
            if a is None:
                t.violate("exit status and answer disagree: %r" % r)
            elif a:
                n.acked = 1
                n.event = r.answer().get("event")
                if kind == "fwd":
                    got = [x for x in ctx.receiver.ids("slow") if x[1] == n.id]
                    if not got or got[0][3] != n.event:
                        t.violate("acknowledged %s was not received whole with a valid signature by forward_url" % n.id)
            elif not r.handoff_failed():
                t.violate("not acknowledged, not HANDOFF_FAILED: %r" % r)
            if r.wall > FORWARD_BOUND_S:
                t.violate("an undisturbed run took %.2f s" % r.wall)

    # (the same checks run after the retries below; here only for the statistics)
    fragments, _, counts = check_file(Tally("scratch"), events, notes, exact_once=(), extra_ids=phantoms)
    killed_in_file = sum(1 for n in notes if not n.acked and counts.get(n.id))
    acked_first = sum(1 for n in notes if n.acked)
    # WeChat Pay retries what was not acknowledged: redeliver (no faults) until acknowledged.
    sec_retry = sec_file
    for n in notes:
        if n.acked:
            continue
        for _ in range(3):
            n.attempts += 1
            r = run_webhook(ctx, ctx.env(sec_retry, events), n.envelope())
            if r.acked():
                n.acked = 1
                n.event = r.answer().get("event")
                break
        if not n.acked:
            t.violate("redelivery of %s never acknowledged" % n.id)
    _, duplicates, counts = check_file(t, events, notes, exact_once={n.id for n in notes if n.attempts == 1},
                                       extra_ids=phantoms)
    lost = sum(1 for n in notes if not counts.get(n.id))
    t.notes.append("%d SIGKILLs landed, %d fragments of killed writers injected under the lock (%d of them the whole "
                   "line without its newline)" % (t.faults - sum(injected), sum(injected), injected[1]))
    t.notes.append("%d acknowledged at first delivery, %d killed or refused then redelivered; %d killed after their "
                   "line was written (duplicates after retry: %d, allowed, dedupe by id); %d fragment lines (skipped "
                   "by readers); lost after retries: %d" % (acked_first, len(notes) - acked_first, killed_in_file,
                                                          duplicates, fragments, lost))
    return t.done()


# --------------------------------------------------------------------------------------------------------------
# Campaign 2: 64 concurrent appenders, events over PIPE_BUF

def campaign_concurrent(ctx, rng, short):
    t = Tally("concurrent")
    rounds = 1 if short else 6
    d = tempfile.mkdtemp(prefix="conc-", dir=ctx.work)
    events = os.path.join(d, "events.ndjson")
    sec = ctx.secrets_file("conc")
    notes = []
    longest = 0
    for _ in range(rounds):
        batch = [Note(ctx.sandbox, rng, "P", rng.randrange(5 * 1024, 40 * 1024)) for _ in range(64)]
        bodies = [n.envelope() for n in batch]
        env = ctx.env(sec, events)
        procs = [start([ctx.webhook], env, b) for b in bodies]   # all 64 started before any is fed
        results = [None] * 64

        def go(i):
            results[i] = finish(procs[i][0], procs[i][1], bodies[i])
        threads = [threading.Thread(target=go, args=(i,)) for i in range(64)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for n, r in zip(batch, results):
            t.runs += 1
            t.faults += 1
            n.attempts = 1
            longest = max(longest, r.wall)
            a = r.acked()
            if a:
                n.acked = 1
                n.event = r.answer().get("event")
            elif a is None:
                t.violate("exit status and answer disagree: %r" % r)
            else:
                t.violate("not acknowledged under concurrency: %r" % r)
        notes += batch
    fragments, duplicates, counts = check_file(t, events, notes, exact_once={n.id for n in notes if n.acked})
    if fragments:
        t.violate("%d lines are not whole JSON objects" % fragments)
    lines = [l for l in read_lines(events) if l]
    small = sum(1 for l in lines if len(l) <= 4096)
    if small:
        t.violate("%d lines are not larger than PIPE_BUF: the campaign does not test what it should" % small)
    t.notes.append("%d events of %d-%d bytes a line, 64 processes at once; slowest process %.2f s"
                   % (len(lines), min(map(len, lines)) if lines else 0, max(map(len, lines)) if lines else 0, longest))
    return t.done()


# --------------------------------------------------------------------------------------------------------------
# Campaign 3: full or broken storage

def sha(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def seed_file(ctx, rng, path, sec):
    """An events file with a couple of real events in it (written by webhook itself)."""
    for _ in range(2):
        n = Note(ctx.sandbox, rng, "S", 3000)
        r = run_webhook(ctx, ctx.env(sec, path), n.envelope())
        if not r.acked():
            raise RuntimeError("cannot seed the events file: %r" % r)


def holds_lock_waiter(pid, timeout=5.0):
    """Whether process `pid` is blocked in flock (a '->' waiter in /proc/locks), polled up to `timeout` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open("/proc/locks") as f:
            for line in f:
                if "->" in line and " %d " % pid in line:
                    return True
        time.sleep(0.005)
    return False


NS_CASES = ("readonly-mount", "readonly-mount-new", "tmpfs-full")


def ns_case(case, webhook, env_json, envelope_path, pad):
    """Runs inside `unshare -m`: mounts, prepares the file, runs webhook, prints what happened (one JSON line)."""
    env = json.loads(env_json)
    with open(envelope_path, "rb") as f:
        envelope = f.read()
    mnt = tempfile.mkdtemp(prefix="ns-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", mnt], check=True)
    path = os.path.join(mnt, "events.ndjson")
    if case != "readonly-mount-new":
        with open(path, "wb") as f:
            f.write(b'{"id":"earlier-1","type":"payment.success"}\n' * 20)
    if case.startswith("readonly-mount"):
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
    if case == "tmpfs-full":
        # leave less room than the line needs: the write is short, then ENOSPC
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, max(0, os.path.getsize(filler) - int(pad)))
    before = sha(path)
    env["WXPAY_EVENTS_FILE"] = path
    p = subprocess.run([webhook], input=envelope, capture_output=True, env=env, timeout=PROCESS_TIMEOUT_S)
    after = sha(path)
    subprocess.run(["umount", mnt], check=True)
    os.rmdir(mnt)
    print(json.dumps({"status": p.returncode, "out": p.stdout.decode("utf-8", "replace"), "before": before,
                      "after": after}))


def campaign_storage(ctx, rng, short):
    t = Tally("storage")
    per = 2 if short else 12
    sec = ctx.secrets_file("storage")
    base = tempfile.mkdtemp(prefix="storage-", dir=ctx.work)

    def refused(r, what, path=None, before=None):
        t.runs += 1
        t.faults += 1
        if r.acked() is not False or not r.handoff_failed():
            t.violate("%s: acknowledged or not HANDOFF_FAILED: %r" % (what, r))
        if path is not None and sha(path) != before:
            t.violate("%s: the events file changed (before %s, after %s)" % (what, before, sha(path)))

    for i in range(per):
        n = Note(ctx.sandbox, rng, "D", rng.choice([100, 5000, 30000]))
        # ENOSPC: /dev/full
        refused(run_webhook(ctx, ctx.env(sec, "/dev/full"), n.envelope()), "/dev/full")
        # a directory removed before the run
        d = os.path.join(base, "gone-%d" % i)
        os.makedirs(d)
        seed_file(ctx, rng, os.path.join(d, "events.ndjson"), sec)
        shutil.rmtree(d)
        refused(run_webhook(ctx, ctx.env(sec, os.path.join(d, "events.ndjson")), n.envelope()), "directory removed")
        if os.path.exists(d):
            t.violate("directory removed: webhook created %s again" % d)
        # a regular file where the directory should be: ENOTDIR
        f = os.path.join(base, "file-%d" % i)
        with open(f, "w") as fh:
            fh.write("x")
        refused(run_webhook(ctx, ctx.env(sec, os.path.join(f, "events.ndjson")), n.envelope()), "not a directory")
        # RLIMIT_FSIZE: the line starts under the limit and cannot end under it, or the file is already at it
        d = os.path.join(base, "fsize-%d" % i)
        os.makedirs(d)
        path = os.path.join(d, "events.ndjson")
        seed_file(ctx, rng, path, sec)
        size = os.path.getsize(path)
        # (an event line is over 800 bytes even with the smallest padding: every limit here cuts it)
        limit = rng.choice([size, size + 1, size + rng.randrange(1, 512), max(1, size - 10)])
        shim = ["python3", "-c", "import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (%d, %d));"
                " os.execv(sys.argv[1], sys.argv[1:])" % (limit, limit)]
        before = sha(path)
        refused(run_webhook(ctx, ctx.env(sec, path), n.envelope(), prefix=shim), "RLIMIT_FSIZE=%d" % limit, path,
                before)
        # the directory removed, or the file renamed away (a consumer's rotation), while the append waits for the
        # lock: the line must not land in an unlinked or renamed file and be acknowledged.
        for mode in ("rmdir", "rename"):
            d = os.path.join(base, "%s-%d" % (mode, i))
            os.makedirs(d)
            path = os.path.join(d, "events.ndjson")
            seed_file(ctx, rng, path, sec)
            m = Note(ctx.sandbox, rng, "R", 2000)
            holder = open(path, "ab")
            fcntl.flock(holder, fcntl.LOCK_EX)
            body = m.envelope()
            p, t0 = start([ctx.webhook], ctx.env(sec, path), body)
            res = {}
            th = threading.Thread(target=lambda: res.setdefault("r", finish(p, t0, body)))
            th.start()
            waiting = holds_lock_waiter(p.pid)
            if mode == "rmdir":
                shutil.rmtree(d)
            else:
                os.rename(path, path + ".1")
            fcntl.flock(holder, fcntl.LOCK_UN)
            holder.close()
            th.join()
            r = res["r"]
            t.runs += 1
            t.faults += 1
            if not waiting:
                t.notes.append("%s: webhook was not seen waiting for the lock (timing)" % mode)
            a = r.acked()
            in_path = any((parse_object(l) or {}).get("id") == m.id for l in read_lines(path))
            if a is None:
                t.violate("%s: exit status and answer disagree: %r" % (mode, r))
            elif a and not in_path:
                t.violate("%s while the append waited for the lock: acknowledged, but the event is not in "
                          "WXPAY_EVENTS_FILE (written to the %s file)" % (mode, "unlinked" if mode == "rmdir"
                                                                          else "renamed"))
            elif not a and not r.handoff_failed():
                t.violate("%s: not acknowledged, not HANDOFF_FAILED: %r" % (mode, r))
            if mode == "rmdir" and os.path.exists(d):
                shutil.rmtree(d)

    # Mount cases, in a private mount namespace.
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    if probe.returncode != 0:
        t.notes.append("mount cases skipped: no mount namespace here (%s)" % probe.stderr.decode().strip()[:80])
    else:
        env_json = json.dumps(ctx.env(sec))
        for i in range(per):
            for case in NS_CASES:
                # tmpfs-full: free room (page slack + 0-2 pages) is always smaller than the ~32 KiB line
                n = Note(ctx.sandbox, rng, "M", 30000 if case == "tmpfs-full" else rng.choice([200, 5000, 30000]))
                ep = os.path.join(base, "ns-envelope.json")
                with open(ep, "wb") as f:
                    f.write(n.envelope())
                p = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable,
                                    os.path.abspath(__file__), "--ns-case", case, ctx.webhook, env_json, ep,
                                    str(rng.choice([0, 4096, 8192]) + rng.randrange(0, 4096))],
                                   capture_output=True, timeout=60)
                try:
                    res = json.loads(p.stdout.decode().strip().splitlines()[-1])
                except (ValueError, IndexError):
                    t.violate("%s: the namespace runner failed: %s" % (case, p.stderr.decode()[-400:]))
                    continue
                r = Run(res["status"], res["out"], "", 0, False)
                t.runs += 1
                t.faults += 1
                if r.acked() is not False or not r.handoff_failed():
                    t.violate("%s: acknowledged or not HANDOFF_FAILED: %r" % (case, r))
                if res["before"] != res["after"]:
                    t.violate("%s: the events file changed (before %s, after %s)" % (case, res["before"],
                                                                                     res["after"]))
    return t.done()


# --------------------------------------------------------------------------------------------------------------
# Campaign 4: slow or dead forward_url

def campaign_forward(ctx, rng, short):
    t = Tally("forward")
    per = 2 if short else 12
    base = tempfile.mkdtemp(prefix="forward-", dir=ctx.work)
    cases = [("hang", {}), ("blackhole", {}), ("reset", {}), ("500", {}), ("drip", {}), ("refused", {}),
             ("hang", {"WXPAY_FORWARD_TIMEOUT_MS": 60000})]
    slowest = 0.0
    for mode, extra in cases:
        sec = ctx.secrets_file("fwd-" + mode, mode)
        label = mode + (" timeout=60s" if extra else "")
        for i in range(per):
            with_file = i % 2 == 1
            events = os.path.join(base, "events-%s-%d-%d.ndjson" % (mode, len(extra), i)) if with_file else None
            n = Note(ctx.sandbox, rng, "F", rng.choice([200, 6000]))
            attempts = 1 if short else 2
            for _ in range(attempts):
                r = run_webhook(ctx, ctx.env(sec, events, **extra), n.envelope())
                n.attempts += 1
                t.runs += 1
                t.faults += 1
                slowest = max(slowest, r.wall)
                if r.acked() is not False or not r.handoff_failed():
                    t.violate("%s: acknowledged or not HANDOFF_FAILED: %r" % (label, r))
                if r.wall > FORWARD_BOUND_S:
                    t.violate("%s: the process took %.2f s (bound %.1f s)" % (label, r.wall, FORWARD_BOUND_S))
            if with_file:
                # the file line is written before the forward is tried: each refused attempt left one whole line;
                # the retry that succeeds (forward healthy again) adds one more.
                r = run_webhook(ctx, ctx.env(ctx.secrets_file("fwd-ok", "ok"), events), n.envelope())
                if not r.acked():
                    t.violate("%s: the retry with a healthy forward_url was not acknowledged: %r" % (label, r))
                    continue
                n.acked = 1
                n.attempts += 1
                n.event = r.answer().get("event")
                _, dups, counts = check_file(t, events, [n], exact_once=())
                if counts.get(n.id, 0) != n.attempts:
                    t.violate("%s: %d attempts left %d lines (expected one whole line per attempt)"
                              % (label, n.attempts, counts.get(n.id, 0)))
                got = [x for x in ctx.receiver.ids("ok") if x[1] == n.id]
                if len(got) != 1 or got[0][3] != n.event:
                    t.violate("%s: the healthy forward_url did not receive the event once, whole, signed" % label)
    t.notes.append("slowest refused process: %.0f ms (bound %.0f ms; WeChat Pay waits 5 s)"
                   % (slowest * 1000, FORWARD_BOUND_S * 1000))
    return t.done()


def campaign_wechat(ctx, rng, short):
    """WeChat Pay faults under the four payment functions (Tests/faults/wechat.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import wechat
    return wechat.campaign_wechat(ctx, rng, short, Tally)


CAMPAIGNS = {"kill": campaign_kill, "concurrent": campaign_concurrent, "storage": campaign_storage,
             "forward": campaign_forward, "wechat": campaign_wechat}
# wxpay-server's hand-off under SIGKILL and 64 concurrent requests, and the soak (Tests/faults/server_campaign.py)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_campaign  # noqa: E402
server_campaign.base = sys.modules[__name__]
CAMPAIGNS.update(server_campaign.SERVER_CAMPAIGNS)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--ns-case":
        ns_case(*sys.argv[2:7])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bin_dir", nargs="?", default=os.environ.get("WXPAY_BIN_DIR"))
    ap.add_argument("--short", action="store_true", default=os.environ.get("FAULTS_SHORT", "") not in ("", "0"))
    ap.add_argument("--only", default=",".join(CAMPAIGNS))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FAULTS_SEED", "0")) or int(time.time()))
    args = ap.parse_args()
    if not args.bin_dir:
        args.bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True,
                                      text=True, check=True).stdout.strip()
    for exe in ("webhook", "wxpay-simulate", "wxpay-emulator", "create-intent", "intent-status", "close-intent", "refund",
                "wxpay-server"):
        if not os.access(os.path.join(args.bin_dir, exe), os.X_OK):
            print("missing %s in %s (swift build first)" % (exe, args.bin_dir), file=sys.stderr)
            return 2
    print("fault campaigns (%s), seed %d, binaries %s" % ("short" if args.short else "full", args.seed, args.bin_dir))
    work = tempfile.mkdtemp(prefix="wxpay-faults-")
    ctx = Context(args.bin_dir, work)
    tallies = []
    try:
        for name in args.only.split(","):
            rng = random.Random("%d-%s" % (args.seed, name))
            random.seed("%d-%s-global" % (args.seed, name))
            print("== %s" % name, flush=True)
            tallies.append(CAMPAIGNS[name](ctx, rng, args.short))
    finally:
        ctx.receiver.close()
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| campaign | runs | faults injected | violations | wall time |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for t in tallies:
        print("| %s | %d | %d | %d | %.1f s |" % (t.name, t.runs, t.faults, len(t.violations), t.wall))
    print()
    for t in tallies:
        for note in t.notes:
            print("- %s: %s" % (t.name, note))
    bad = sum(len(t.violations) for t in tallies)
    if bad:
        print("\n%d violation(s); seed %d (FAULTS_SEED=%d reproduces the choices)" % (bad, args.seed, args.seed))
        for t in tallies:
            for v in t.violations[:20]:
                print("  [%s] %s" % (t.name, v))
        return 1
    print("\nno violations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
