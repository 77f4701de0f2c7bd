#!/usr/bin/env python3
"""The store's cost per transaction inside one process (the connection kept, as in a warm Lambda or a server):
`risk-batch` over the same NDJSON stream without a store, with SQLite and with Redis; CPU and wall per transaction.
Each configuration runs `--runs` times (alternating); the median run counts. The store's databases start empty.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_file(argv, path, env):
    """(wall s, CPU s, exit status, stdout) of one process reading the file `path` on stdin (a long stream: no
    pipe both ways)."""
    with open(path, "rb") as stdin, tempfile.TemporaryFile() as stdout:
        start = time.perf_counter_ns()
        p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = (time.perf_counter_ns() - start) / 1e9
        stdout.seek(0)
        return elapsed, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), stdout.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--risk-batch", required=True)
    ap.add_argument("--sqlite-dir", required=True)
    ap.add_argument("--redis", required=True, help="redis://HOST:PORT (a database number is added per run)")
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    lines = []
    for i in range(args.n):
        minute, second = divmod(i * 3 % 3600, 60)
        lines.append(json.dumps({
            "id": f"t{i}", "amount": 1000 + (i * 37) % 5000, "currency": "CNY", "description": "咖啡 coffee",
            "user_openid": f"oBatchPayer{i % 500:04d}", "device_id": f"dev{i % 300}", "client_ip": f"10.0.{i % 200}.1",
            "created_at": f"2026-11-23T{18 + i * 3 // 3600:02d}:{minute:02d}:{second:02d}+08:00",
            "type": "refund" if i % 10 == 9 else "payment"}, ensure_ascii=False))
    path = os.path.join(args.sqlite_dir, "batch.ndjson")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WXPAY_RISK_STORE_TIMEOUT_MS": "1000"}
    results = {"stateless": [], "SQLite (WAL file)": [], "Redis (loopback)": []}
    for run in range(args.runs):
        for name in results:
            env = dict(base)
            if name.startswith("SQLite"):
                env["WXPAY_RISK_STORE"] = f"sqlite:{args.sqlite_dir}/batch-{run}.db"
            elif name.startswith("Redis"):
                env["WXPAY_RISK_STORE"] = f"{args.redis}/{3 + run}"
            elapsed, cpu, status, out = run_file([args.risk_batch], path, env)
            text = out.decode()
            if status != 0 or text.count("\n") != args.n:
                raise SystemExit(f"{name}: exit {status}, {text.count(chr(10))} answers")
            if "history_unavailable" in text:
                raise SystemExit(f"{name}: the store was not used for some transactions")
            results[name].append((elapsed, cpu))
    print(f"\nrisk-batch, {args.n} transactions (500 payers, 300 devices, 200 IPs, 10% refunds) in one process, "
          f"median of {args.runs} runs\n")
    print(f"{'':20} {'wall/tx':>10} {'CPU/tx':>10} {'extra CPU/tx':>13}")
    base_cpu = statistics.median(c for _, c in results["stateless"]) / args.n
    for name, rs in results.items():
        wall = statistics.median(w for w, _ in rs) / args.n
        cpu = statistics.median(c for _, c in rs) / args.n
        print(f"{name:20} {wall * 1e6:8.1f}µs {cpu * 1e6:8.1f}µs {(cpu - base_cpu) * 1e6:+11.1f}µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
