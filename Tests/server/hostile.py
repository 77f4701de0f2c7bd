#!/usr/bin/env python3
"""wxpay-server against hostile clients, over loopback sockets (docs/server.md#hostile-clients).

    python3 Tests/server/hostile.py        (WXPAY_BIN_DIR: where wxpay-server and wxpay-simulate are; default
                                            `swift build --show-bin-path`)

Starts the real wxpay-server process and checks, each a failure when the behaviour is wrong:
  - slowloris: 200 clients trickling a request head a byte a second (and 40 trickling a body) do not stop normal
    requests being answered within 100 ms (18 of 20 at least, none over a second); the head tricklers get 408 at
    the header deadline, the body tricklers 408 at the whole-request deadline, and their connections close;
  - a request head over the limit: 431 and close; a body over the limit (declared or chunked): 413 and close;
  - duplicate or conflicting Content-Length, Transfer-Encoding with Content-Length: 400, the connection closed, and
    nothing smuggled behind them answered;
  - an unknown method: 405; a known method on the wrong route: 405 with Allow;
  - keep-alive: several requests on one connection;
  - the concurrency limit: 503 with Retry-After while the slots are taken, not a queue; a slow body takes no slot;
  - SIGTERM: new connections refused, the request in flight finished, exit 0.
"""
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "hostile_tok_5Vx8Qm2Lr7Zc"
FAILURES = []
LEFTOVER = {}  # bytes read past a response, by socket


def bin_dir():
    d = os.environ.get("WXPAY_BIN_DIR")
    if d:
        return d
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


BIN = bin_dir()


def check(condition, what):
    if condition:
        print(f"  ok   {what}")
    else:
        print(f"  FAIL {what}")
        FAILURES.append(what)


class Server:
    def __init__(self, workdir, *args, env=None):
        environment = {"PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": os.path.join(workdir, "keys/secrets.json"),
                       "WXPAY_EVENTS_FILE": os.path.join(workdir, "events.ndjson")}
        environment.update(env or {})
        self.stderr = open(os.path.join(workdir, f"server-{time.monotonic_ns()}.log"), "w+")
        self.proc = subprocess.Popen([os.path.join(BIN, "wxpay-server"), "--host", "127.0.0.1", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=environment, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("wxpay-server did not start: " + self.log())
        url = json.loads(line)["listening"]
        self.port = int(url.rsplit(":", 1)[1])

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def read_response(sock, timeout=10):
    """One HTTP/1.1 response: (status, headers dict lower-cased, body bytes), or None when the peer closed first."""
    sock.settimeout(timeout)
    data = LEFTOVER.pop(sock.fileno(), b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        body, LEFTOVER[sock.fileno()] = rest[:n], rest[n:]
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += sock.recv(65536)
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                chunk = sock.recv(65536)
                if not chunk:
                    raise EOFError("closed inside a chunk")
                rest += chunk
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
        LEFTOVER[sock.fileno()] = rest
    else:
        body = rest
    return status, headers, body


def closed_by_peer(sock, timeout=3):
    """Whether the server closes the connection (EOF or reset) within `timeout`, sending nothing more."""
    sock.settimeout(timeout)
    try:
        extra = LEFTOVER.pop(sock.fileno(), b"") + sock.recv(65536)
        return extra == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def exchange(server, raw, timeout=10):
    s = server.connect()
    try:
        s.sendall(raw)
        return read_response(s, timeout), s
    except (ConnectionResetError, BrokenPipeError):
        return None, s


def keys(workdir):
    subprocess.run([os.path.join(BIN, "wxpay-simulate"), "keys", "--out", os.path.join(workdir, "keys")],
                   check=True, capture_output=True)
    path = os.path.join(workdir, "keys/secrets.json")
    secrets = json.load(open(path))
    secrets["server_tokens"] = [TOKEN]
    json.dump(secrets, open(path, "w"))


def notifications(workdir, count):
    """`count` signed notifications from wxpay-simulate: (headers, body) each."""
    out = []
    for i in range(count):
        r = subprocess.run([os.path.join(BIN, "wxpay-simulate"), "notify", "--sandbox",
                            os.path.join(workdir, "keys/sandbox.json"), "--style", "raw", "--out-trade-no",
                            f"AK-HOSTILE-{i}"], capture_output=True, text=True, check=True)
        n = json.loads(r.stdout)
        out.append((n["headers"], n["body"].encode()))
    return out


def webhook_request(notification, close=False):
    headers, body = notification
    lines = ["POST /webhook HTTP/1.1", "Host: wxpay"] + [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- the checks ---------------------------------------------------------------------------------------------------

def slowloris(workdir):
    print("slowloris: 200 head tricklers and 40 body tricklers, a byte a second")
    server = Server(workdir, "--header-timeout-ms", "3000", "--request-timeout-ms", "6000", "--max-concurrent", "8")
    try:
        n = notifications(workdir, 12)
        # Warm: the first request parses the secrets file and loads the keys (cold start is not what is measured).
        response, s = exchange(server, webhook_request(n[11], close=True))
        check(response is not None and response[0] == 200, "a first request before the tricklers: 200")
        s.close()
        # A keep-alive connection left idle after an answer: closed at the header deadline, without a 408.
        idle = server.connect()
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        idle_answer = read_response(idle)
        tricklers = []
        for i in range(200):
            s = server.connect()
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            tricklers.append(("head", s, time.monotonic()))
        for i in range(40):
            s = server.connect()
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
            tricklers.append(("body", s, time.monotonic()))
        stop = threading.Event()
        outcome = {}

        def trickle():
            while not stop.is_set():
                for kind, s, started in tricklers:
                    if (kind, s.fileno()) in outcome or s.fileno() < 0:
                        continue
                    try:
                        s.send(b"a")
                    except OSError:
                        pass
                deadline = time.monotonic() + 1
                while time.monotonic() < deadline and not stop.is_set():
                    socks = [s for kind, s, _ in tricklers if s.fileno() >= 0 and (kind, s.fileno()) not in outcome]
                    if not socks:
                        break
                    ready, _, _ = select.select(socks, [], [], 0.1)
                    for s in ready:
                        kind = next(k for k, t, _ in tricklers if t is s)
                        started = next(st for k, t, st in tricklers if t is s)
                        try:
                            data = s.recv(65536)
                        except OSError:
                            data = b""
                        outcome[(kind, s.fileno())] = (data[:12], time.monotonic() - started)

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        time.sleep(1.2)
        latencies = []
        statuses = []
        for i in range(10):
            started = time.monotonic()
            response, s = exchange(server, webhook_request(n[i], close=True))
            latencies.append(time.monotonic() - started)
            statuses.append(response[0] if response else None)
            s.close()
            started = time.monotonic()
            response, s = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            latencies.append(time.monotonic() - started)
            statuses.append(response[0] if response else None)
            s.close()
            time.sleep(0.3)
        check(all(st == 200 for st in statuses), f"normal requests answered 200 among the tricklers: {statuses}")
        # The request sent as the 200 head tricklers reach their header deadline together (the 13th) waits behind
        # their 200 answers of 408 and closes: 91-115 ms on two cores shared with a build, the rest 2-21 ms. The clock
        # runs in this process, whose trickler thread shares the GIL. A server held up by the tricklers would hold a
        # request until that deadline (3 s), so: 18 of 20 within 100 ms, and none over a second.
        shown = ", ".join(f"{t * 1000:.1f}" for t in latencies)
        check(sum(t < 0.1 for t in latencies) >= 18, f"normal requests answered within 100 ms, 18 of 20 at least (ms: {shown})")
        check(max(latencies) < 1.0, f"every normal request answered within a second (ms: {shown})")
        time.sleep(7.5)
        stop.set()
        thread.join(5)
        heads = [v for (k, _), v in outcome.items() if k == "head"]
        bodies = [v for (k, _), v in outcome.items() if k == "body"]
        check(len(heads) == 200 and all(d.startswith(b"HTTP/1.1 408") for d, _ in heads),
              f"all 200 head tricklers answered 408 ({len(heads)} answered)")
        check(all(2.5 <= t <= 4.5 for _, t in heads),
              "at the header deadline (3 s), not later: " + (f"{min(t for _, t in heads):.2f}..{max(t for _, t in heads):.2f} s" if heads else "none"))
        check(len(bodies) == 40 and all(d.startswith(b"HTTP/1.1 408") for d, _ in bodies),
              f"all 40 body tricklers answered 408 ({len(bodies)} answered)")
        check(all(5.5 <= t <= 7.5 for _, t in bodies),
              "at the whole-request deadline (6 s): " + (f"{min(t for _, t in bodies):.2f}..{max(t for _, t in bodies):.2f} s" if bodies else "none"))
        check(idle_answer is not None and idle_answer[0] == 200 and closed_by_peer(idle, 0.5),
              "an idle keep-alive connection is closed at the header deadline, with no unsolicited answer")
        idle.close()
        closed = sum(1 for _, s, _ in tricklers if closed_by_peer(s, 0.5))
        check(closed == 240, f"their connections are closed ({closed}/240)")
        for _, s, _ in tricklers:
            s.close()
    finally:
        server.stop()


def limits(workdir):
    print("limits, smuggling, methods, keep-alive")
    server = Server(workdir, "--routes", "all", "--max-body-bytes", "65536", "--max-header-bytes", "8192")
    try:
        response, s = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        check(response is not None and response[0] == 431, f"a head over 8 KiB: 431 ({response and response[0]})")
        check(closed_by_peer(s), "  and the connection closed")
        response, s = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 1200 + b"\r\n")
        check(response is not None and response[0] == 431, f"too many headers: 431 ({response and response[0]})")

        response, s = exchange(server, b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n")
        check(response is not None and response[0] == 413, f"a declared body over 64 KiB: 413 ({response and response[0]})")
        check(closed_by_peer(s), "  and the connection closed")
        chunk = b"a" * 16384
        body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"
        response, s = exchange(server, b"POST /create-intent HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
                               + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        check(response is not None and response[0] == 413, f"a chunked body over 64 KiB: 413 ({response and response[0]})")

        smuggles = {
            "duplicate Content-Length": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd",
            "conflicting Content-Length": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 41\r\n\r\n"
                                          b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "Content-Length list": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 41\r\n\r\nabcd",
            "Transfer-Encoding chunked + Content-Length": b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                                                          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "Content-Length + Transfer-Encoding chunked": b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                                          b"Content-Length: 40\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
            "Transfer-Encoding gzip + Content-Length": b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                                                       b"Content-Length: 4\r\n\r\nabcd",
            "obfuscated Transfer-Encoding": b"POST /webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
                                            b"Content-Length: 4\r\n\r\nabcd",
        }
        for name, raw in smuggles.items():
            response, s = exchange(server, raw)
            check(response is not None and response[0] == 400, f"{name}: 400 ({response and response[0]})")
            check(closed_by_peer(s), f"  and the connection closed, nothing behind it answered")

        response, s = exchange(server, b"BREW /webhook HTTP/1.1\r\nHost: x\r\n\r\n")
        check(response is not None and response[0] == 405, f"unknown method BREW: 405 ({response and response[0]})")
        response, s = exchange(server, b"PUT /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        check(response is not None and response[0] == 405 and response[1].get("allow") == "POST",
              f"PUT /webhook: 405 with Allow: POST ({response and response[0]})")

        s = server.connect()
        n = notifications(workdir, 2)
        statuses = []
        for raw in [b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", webhook_request(n[0]), b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
                    webhook_request(n[1]), b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]:
            s.sendall(raw)
            r = read_response(s)
            statuses.append(r and r[0])
        check(statuses == [200, 200, 200, 200, 200], f"keep-alive: 5 requests on one connection {statuses}")
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        first, second = read_response(s), read_response(s)
        check(first and second and first[0] == 200 and second[0] == 200, "two pipelined requests both answered")
        s.close()
    finally:
        server.stop()


def concurrency(workdir):
    print("concurrency limit")
    server = Server(workdir, "--routes", "all", "--max-concurrent", "2")
    try:
        streams = []
        for i in range(2):
            s = server.connect()
            s.sendall(b"POST /risk-batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
                      + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
            line = b'{"id":"s%d","amount":100,"currency":"CNY","description":"tea"}\n' % i
            s.sendall(b"%x\r\n" % len(line) + line + b"\r\n")
            streams.append(s)
        time.sleep(0.5)
        response, s = exchange(server, b"POST /risk-batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
                               + b"\r\nContent-Length: 0\r\n\r\n")
        check(response is not None and response[0] == 503, f"a third request while 2 run: 503 ({response and response[0]})")
        check(response is not None and response[1].get("retry-after") == "1", "  with Retry-After: 1")
        check(response is not None and json.loads(response[2])["error"]["code"] == "OVERLOADED", "  code OVERLOADED")
        n = notifications(workdir, 1)
        response, s = exchange(server, webhook_request(n[0]))
        check(response is not None and response[0] == 503, f"a webhook too: 503, WeChat Pay retries ({response and response[0]})")
        response, s = exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        check(response is not None and response[0] == 200, "GET /healthz takes no slot: 200")
        for s in streams:
            s.sendall(b"0\r\n\r\n")
            r = read_response(s)
            check(r is not None and r[0] == 200 and b'"id":"s' in r[2], "a running stream finishes: 200 with its answers")
            s.close()
        time.sleep(0.2)
        response, s = exchange(server, webhook_request(n[0]))
        check(response is not None and response[0] == 200, f"slots free again: 200 ({response and response[0]})")

        # Bodies still arriving take no slot: 5 slow senders, and a whole webhook request is served.
        slow = []
        for i in range(5):
            c = server.connect()
            c.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            slow.append(c)
        time.sleep(0.3)
        m = notifications(workdir, 1)
        response, s = exchange(server, webhook_request(m[0]))
        check(response is not None and response[0] == 200, f"slow senders hold no slot: 200 ({response and response[0]})")
        for c in slow:
            c.close()
    finally:
        server.stop()


def drain(workdir):
    print("SIGTERM drains")
    server = Server(workdir, "--routes", "all")
    s = server.connect()
    s.sendall(b"POST /risk-batch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
              + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    line = b'{"id":"d1","amount":100,"currency":"CNY","description":"tea"}\n'
    s.sendall(b"%x\r\n" % len(line) + line + b"\r\n")
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    check(server.proc.poll() is None, "still running while a request is in flight")
    try:
        refused = False
        c = socket.create_connection(("127.0.0.1", server.port), timeout=2)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        refused = read_response(c, 2) is None
    except (ConnectionRefusedError, ConnectionResetError, socket.timeout):
        refused = True
    check(refused, "new connections are refused once SIGTERM arrived")
    line = b'{"id":"d2","amount":100,"currency":"CNY","description":"tea"}\n'
    s.sendall(b"%x\r\n" % len(line) + line + b"\r\n0\r\n\r\n")
    r = read_response(s)
    check(r is not None and r[0] == 200 and b'"id":"d1"' in r[2] and b'"id":"d2"' in r[2],
          "the request in flight is finished: 200 with both answers")
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    check(server.proc.returncode == 0, f"then exit 0 ({server.proc.returncode})")
    server.stop()


def main():
    workdir = tempfile.mkdtemp(prefix="wxpay-server-hostile-")
    try:
        keys(workdir)
        limits(workdir)
        concurrency(workdir)
        drain(workdir)
        slowloris(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} failed:\n  " + "\n  ".join(FAILURES))
        return 1
    print("\nall hostile-client checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
