#!/usr/bin/env python3
"""wrk on loopback against POST /webhook: `wxpay-server` side by side with FastAPI + uvicorn + wechatpayv3.

Both sides do the same job on the same real notifications (signed and encrypted by make_requests.py, not by the code
under test): verify, decrypt, append the event to an events file under flock with fsync, answer {"code": "SUCCESS"}.
At each concurrency the two sides run back to back with the same wrk settings; each gets a warm-up run first. A run
counts only if every answer was 2xx and wrk saw no socket error, and the events file must then hold at least one
line per completed request: a fast wrong answer is not a result. RSS is sampled every 100 ms during the run (all of
uvicorn's processes summed).

    bench.py BIN_DIR [--connections 1,8,64] [--duration 10] [--events-dir /dev/shm]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(url, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("%s exited at start" % proc.args[0])
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return          # answering (405 on GET /webhook for the peer): ready
        except OSError:
            time.sleep(0.05)
    raise SystemExit("%s did not come up" % url)


def pids_of(proc):
    pids = [proc.pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        pids += [int(p) for p in out]
    except OSError:
        pass
    return pids


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def parse_wrk(text):
    def seconds(value, unit):
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    lat = dict((p, seconds(v, u)) for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    done = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1])
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = sum(int(x) for x in m.groups()) if m else 0
    return {"rps": rps, "requests": done, "p50": lat.get("50"), "p99": lat.get("99"), "non2xx": non2xx,
            "errors": errors}


def count_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def run_wrk(args, url, connections, duration, sandbox, work):
    script = os.path.join(work, "requests.lua")
    subprocess.run([sys.executable, os.path.join(HERE, "make_requests.py"), sandbox, "2000", script], check=True)
    threads = 1 if connections == 1 else 2
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % duration, "--latency",
                          "-s", script, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("--connections", default="1,8,64")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--events-dir", default="/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir())
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="wxpay-server-bench-")
    events_dir = tempfile.mkdtemp(prefix="wxpay-bench-events-", dir=args.events_dir)
    procs = []
    try:
        keys = os.path.join(work, "keys")
        subprocess.run([os.path.join(args.bin_dir, "wxpay-simulate"), "keys", "--out", keys], check=True,
                       stdout=subprocess.DEVNULL)
        secrets, sandbox = os.path.join(keys, "secrets.json"), os.path.join(keys, "sandbox.json")
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("WXPAY_")}
        base_env.update(WXPAY_SECRETS_FILE=secrets, LOG_LEVEL="error")
        sides = {}
        port = free_port()
        env = dict(base_env, WXPAY_EVENTS_FILE=os.path.join(events_dir, "server.ndjson"))
        p = subprocess.Popen([os.path.join(args.bin_dir, "wxpay-server"), "--host", "127.0.0.1", "--port", str(port),
                              "--routes", "webhook,healthz,metrics"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        procs.append(p)
        wait_ready("http://127.0.0.1:%d/healthz" % port, p)
        sides["wxpay-server"] = (p, "http://127.0.0.1:%d/webhook" % port, env["WXPAY_EVENTS_FILE"])
        port = free_port()
        env = dict(base_env, WXPAY_EVENTS_FILE=os.path.join(events_dir, "peer.ndjson"))
        p = subprocess.Popen([sys.executable, "-m", "uvicorn", "--app-dir", HERE, "peer_fastapi:app", "--host",
                              "127.0.0.1", "--port", str(port), "--workers", str(os.cpu_count() or 1),
                              "--log-level", "warning", "--no-access-log"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        procs.append(p)
        wait_ready("http://127.0.0.1:%d/webhook" % port, p)
        time.sleep(1.0)   # let every uvicorn worker come up
        sides["FastAPI+uvicorn+wechatpayv3"] = (p, "http://127.0.0.1:%d/webhook" % port, env["WXPAY_EVENTS_FILE"])

        rows, failures = [], []
        for c in [int(x) for x in args.connections.split(",")]:
            for name, (proc, url, events) in sides.items():
                run_wrk(args, url, c, 2, sandbox, work)          # warm-up, not counted
                before = count_lines(events)
                peak, stop = [0], threading.Event()
                pids = pids_of(proc)

                def sample():
                    while not stop.is_set():
                        peak[0] = max(peak[0], rss_kib(pids))
                        stop.wait(0.1)
                sampler = threading.Thread(target=sample)
                sampler.start()
                try:
                    figures, raw = run_wrk(args, url, c, args.duration, sandbox, work)
                finally:
                    stop.set()
                    sampler.join()
                written = count_lines(events) - before
                figures.update(side=name, connections=c, rss_mib=peak[0] / 1024, lines=written)
                if figures["non2xx"] or figures["errors"]:
                    failures.append("%s at %d connections: %d non-2xx, %d socket errors\n%s"
                                    % (name, c, figures["non2xx"], figures["errors"], raw))
                if written < figures["requests"]:
                    failures.append("%s at %d connections: %d requests answered but %d events written"
                                    % (name, c, figures["requests"], written))
                rows.append(figures)
                print("  %-28s c=%-3d %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  RSS %6.1f MiB  non-2xx %d  errors %d"
                      % (name, c, figures["rps"], (figures["p50"] or 0) * 1e3, (figures["p99"] or 0) * 1e3,
                         figures["rss_mib"], figures["non2xx"], figures["errors"]), flush=True)
        print()
        print("| connections | side | requests/s | p50 | p99 | peak RSS | non-2xx / socket errors |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print("| %d | %s | %.0f | %.2f ms | %.2f ms | %.1f MiB | %d / %d |"
                  % (r["connections"], r["side"], r["rps"], (r["p50"] or 0) * 1e3, (r["p99"] or 0) * 1e3,
                     r["rss_mib"], r["non2xx"], r["errors"]))
        by = {(r["side"], r["connections"]): r for r in rows}
        print()
        for c in sorted({r["connections"] for r in rows}):
            s, p = by.get(("wxpay-server", c)), by.get(("FastAPI+uvicorn+wechatpayv3", c))
            if s and p and p["rps"]:
                print("at %d connections wxpay-server does %.1fx the peer's requests per second" % (c, s["rps"] / p["rps"]))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(rows, f, indent=1)
        if failures:
            print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
            return 1
        return 0
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(events_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
