#!/usr/bin/env python3
"""Drives Benchmarks/server (see run.sh): both servers on loopback, wrk at 1, 8, 64 connections, RSS sampled."""
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
CONNECTIONS = [1, 8, 64]
NOTIFICATIONS = 400


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    limit = time.time() + timeout
    while time.time() < limit:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def tree_rss_kib(pid):
    """VmRSS of pid and all its descendants, KiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total


def tree_cpu_seconds(pid):
    """utime + stime of pid and all its descendants (live ones), seconds."""
    total, todo = 0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total / tick


def tree_context_switches(pid):
    """Voluntary + involuntary context switches of every thread of pid and its descendants (live ones)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                            total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total


def parse_wrk(text):
    def seconds(value, unit):
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", text)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", text)
    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
    return {"rps": rps, "p50_ms": seconds(*p50.groups()) * 1000, "p99_ms": seconds(*p99.groups()) * 1000,
            "requests": total, "errors": errors}


def run(name, proc, port, lua, duration):
    results = {}
    for c in CONNECTIONS:
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], tree_rss_kib(proc.pid))
                time.sleep(0.1)
        t = threading.Thread(target=sample)
        t.start()
        cpu_before = tree_cpu_seconds(proc.pid)
        switches_before = tree_context_switches(proc.pid)
        out = subprocess.run(["wrk", "-t", str(min(c, 2)), "-c", str(c), "-d", f"{duration}s", "--latency",
                              "-s", lua, f"http://127.0.0.1:{port}/webhook"], capture_output=True, text=True)
        stop.set()
        t.join()
        cpu = tree_cpu_seconds(proc.pid) - cpu_before
        switches = tree_context_switches(proc.pid) - switches_before
        r = parse_wrk(out.stdout)
        r["rss_mib"] = peak[0] / 1024
        # Server CPU (user + system, all its processes) per answered request, microseconds.
        r["cpu_us_per_request"] = cpu * 1e6 / max(r["requests"], 1)
        # Context switches of the server's threads (all its processes) per answered request.
        r["switches_per_request"] = switches / max(r["requests"], 1)
        with open("/proc/loadavg") as f:
            r["loadavg"] = f.read().split()[0]
        results[c] = r
        print(f"  {name:30} c={c:<3} {r['rps']:9.0f} req/s  p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
              f"errors {r['errors']}  peak RSS {r['rss_mib']:.1f} MiB  CPU {r['cpu_us_per_request']:.0f} us/req  "
              f"{r['switches_per_request']:.1f} cs/req  load {r['loadavg']}", flush=True)
        time.sleep(1)
    return results


def main():
    bindir, duration, out_json = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    # The events files go to /dev/shm (fsync costs nothing there) unless WXPAY_BENCH_DIR names a directory on a disk.
    scratch = os.environ.get("WXPAY_BENCH_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    work = tempfile.mkdtemp(prefix="wxpay-server-bench-", dir=scratch)
    procs = []
    try:
        simulate = os.path.join(bindir, "wxpay-simulate")
        subprocess.run([simulate, "keys", "--out", os.path.join(work, "keys")], check=True, capture_output=True)
        secrets = os.path.join(work, "keys", "secrets.json")
        lua = os.path.join(work, "requests.lua")
        env = {"PATH": os.environ["PATH"], "WXPAY_SECRETS_FILE": secrets, "LOG_LEVEL": "warning",
               "HOME": os.environ.get("HOME", "/tmp")}

        swift_port, py_port = free_port(), free_port()
        swift_log = open(os.path.join(work, "server.log"), "w")
        swift_env = dict(env, WXPAY_EVENTS_FILE=os.path.join(work, "events-swift.ndjson"))
        if os.environ.get("WXPAY_SERVER_THREADS"):  # to compare thread counts
            swift_env["WXPAY_SERVER_THREADS"] = os.environ["WXPAY_SERVER_THREADS"]
        server = subprocess.Popen([os.path.join(bindir, "wxpay-server"), "--port", str(swift_port)],
                                  env=swift_env,
                                  stdout=subprocess.DEVNULL, stderr=swift_log)
        procs.append(server)
        peer = subprocess.Popen([sys.executable, "-m", "uvicorn", "fastapi_webhook:app", "--host", "127.0.0.1",
                                 "--port", str(py_port), "--workers", "2", "--no-access-log", "--log-level", "warning"],
                                cwd=HERE, env=dict(env, WXPAY_EVENTS_FILE=os.path.join(work, "events-python.ndjson")),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(peer)
        wait_port(swift_port)
        wait_port(py_port)

        results = {"duration_s": duration, "notifications": NOTIFICATIONS, "cpus": os.cpu_count()}
        print(f"wrk on loopback, POST /webhook, {NOTIFICATIONS} signed notifications cycled, {duration} s a run")
        for name, proc, port, key in [("wxpay-server", server, swift_port, "wxpay-server"),
                                      ("FastAPI+uvicorn(2)+wechatpayv3", peer, py_port, "fastapi")]:
            # Signed just before each server's runs: every notification stays inside the 300 s window.
            subprocess.run([sys.executable, os.path.join(HERE, "make_requests.py"), simulate,
                            os.path.join(work, "keys", "sandbox.json"), str(NOTIFICATIONS), lua], check=True)
            results[key] = run(name, proc, port, lua, duration)
            if key == "wxpay-server":
                # The events file's group commit: lines and the writes (one fsync each) that carried them.
                text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
                gauges = dict(line.rsplit(" ", 1) for line in text.splitlines()
                              if line.startswith("wxpay_server_events_") and " " in line)
                if gauges:
                    results[key]["group_commit"] = {k: float(v) for k, v in gauges.items()}
                    print("  group commit: %s lines in %s writes (largest %s)" % (
                        gauges.get("wxpay_server_events_lines"), gauges.get("wxpay_server_events_batches"),
                        gauges.get("wxpay_server_events_largest_batch")), flush=True)
        for key, name in [("wxpay-server", "events-swift.ndjson"), ("fastapi", "events-python.ndjson")]:
            # Every 2xx is a line (a few more: requests still in flight when wrk stopped counting).
            with open(os.path.join(work, name), "rb") as f:
                lines = sum(1 for _ in f)
            answered = sum(results[key][c]["requests"] - results[key][c]["errors"] for c in CONNECTIONS)
            results[key]["events_lines"] = lines
            print(f"  {key}: {lines} event lines for {answered} answered requests"
                  + ("" if lines >= answered else "  LINES MISSING"))
        print()
        print("| connections | wxpay-server req/s | p50 / p99 | CPU/req | peer req/s | p50 / p99 | CPU/req | ratio | wxpay-server RSS | peer RSS | errors (ours/peer) |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c in CONNECTIONS:
            a, b = results["wxpay-server"][c], results["fastapi"][c]
            print(f"| {c} | {a['rps']:,.0f} | {a['p50_ms']:.2f} / {a['p99_ms']:.2f} ms | {a['cpu_us_per_request']:.0f} us | "
                  f"{b['rps']:,.0f} | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} ms | {b['cpu_us_per_request']:.0f} us | "
                  f"{a['rps'] / b['rps']:.2f}x | {a['rss_mib']:.1f} MiB | {b['rss_mib']:.1f} MiB | {a['errors']}/{b['errors']} |")
        with open(out_json, "w") as f:
            json.dump(results, f, indent=2)
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM) if p is procs[-1] else p.send_signal(signal.SIGTERM)
            except OSError:
                pass
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
