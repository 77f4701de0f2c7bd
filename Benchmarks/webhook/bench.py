#!/usr/bin/env python3
"""Times whole processes, one per notification: `webhook` versus the same job in Python with `wechatpayv3`.

For each of N events a fresh signed, encrypted notification is printed by `wxpay-simulate` (untimed, so every
timestamp is fresh), then both commands get exactly the same bytes on stdin. Both sides are started, fed and reaped
the same way; wall time runs from before the spawn until `wait4` returns, and `wait4`'s rusage gives each process's
peak RSS. The order of the two alternates from event to event. Every answer must be statusCode 200 with the event,
else the run fails: a fast wrong answer is not a result.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import percentile, print_load, report, run_once  # noqa: E402


def check(name, status, out, expected_trade_no):
    try:
        answer = json.loads(out)
    except ValueError:
        raise SystemExit(f"{name}: stdout is not JSON: {out[:200]!r}")
    event = answer.get("event") or {}
    trade_no = event.get("out_trade_no") or (event.get("resource") or {}).get("out_trade_no")
    if status != 0 or answer.get("statusCode") != 200 or trade_no != expected_trade_no:
        raise SystemExit(f"{name}: not accepted (exit {status}): {out[:300]!r}")


def gnu_time_rss(argv, data, env):
    """Peak RSS (KiB) as `/usr/bin/time -f %M` reports it, as a cross-check of wait4; None without GNU time."""
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, input=data, env=env, capture_output=True)
    try:
        return int(p.stderr.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--webhook", required=True)
    ap.add_argument("--simulate", required=True)
    ap.add_argument("--python-script", required=True)
    ap.add_argument("--keys", required=True, help="directory with secrets.json and sandbox.json")
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--json", help="also write the raw timings here")
    args = ap.parse_args()

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WXPAY_SECRETS_FILE": args.keys + "/secrets.json",
           "LOG_LEVEL": "error", "HOME": os.environ.get("HOME", "/tmp")}
    sides = {
        "webhook (Swift)": [args.webhook],
        "wechatpayv3 (Python)": [sys.executable, args.python_script],
    }
    samples = {name: [] for name in sides}
    rss = {name: [] for name in sides}
    cpu = {name: [] for name in sides}

    def notification(i):
        trade_no = f"BENCH{i:06d}"
        out = subprocess.run([args.simulate, "notify", "--sandbox", args.keys + "/sandbox.json",
                              "--out-trade-no", trade_no, "--idempotency-key", f"bench-{i}"],
                             check=True, capture_output=True).stdout
        return trade_no, out

    for i in range(args.warmup):
        trade_no, data = notification(-1 - i)
        for name, argv in sides.items():
            _, _, _, status, out = run_once(argv, data, env)
            check(name, status, out, trade_no)

    for i in range(args.n):
        trade_no, data = notification(i)
        order = list(sides.items()) if i % 2 == 0 else list(reversed(sides.items()))
        for name, argv in order:
            elapsed, cpu_time, peak, status, out = run_once(argv, data, env)
            check(name, status, out, trade_no)
            samples[name].append(elapsed)
            cpu[name].append(cpu_time)
            rss[name].append(peak)
        if (i + 1) % 50 == 0:
            print(f"  {i + 1}/{args.n} events", file=sys.stderr)

    trade_no, data = notification(10**6)
    cross = {name: gnu_time_rss(argv, data, env) for name, argv in sides.items()}

    print(f"\n{args.n} events, one process per event, same bytes on stdin for both sides\n")
    print_load()
    print(f"{'':24} {'median':>10} {'p90':>10} {'mean':>10} {'min':>10} {'CPU median':>11} {'peak RSS':>12} "
          f"{'/usr/bin/time':>14}")
    for name in sides:
        s = samples[name]
        time_rss = f"{cross[name] / 1024:.1f} MiB" if cross[name] else "n/a"
        print(f"{name:24} {statistics.median(s) * 1e3:8.2f}ms {percentile(s, 0.9) * 1e3:8.2f}ms "
              f"{statistics.fmean(s) * 1e3:8.2f}ms {min(s) * 1e3:8.2f}ms {statistics.median(cpu[name]) * 1e3:9.2f}ms "
              f"{max(rss[name]) / 1024:8.1f} MiB "
              f"{time_rss:>14}")
    swift, python = samples["webhook (Swift)"], samples["wechatpayv3 (Python)"]
    ratio = statistics.median(python) / statistics.median(swift)
    cpu_ratio = statistics.median(cpu["wechatpayv3 (Python)"]) / max(statistics.median(cpu["webhook (Swift)"]), 1e-6)
    print(f"\nratio of medians (Python / Swift): {ratio:.1f}x wall, {cpu_ratio:.1f}x CPU")

    checks = [
        ("webhook median < 5 ms", statistics.median(swift) < 0.005),
        ("webhook >= 50x faster than the Python process (medians)", ratio >= 50),
        ("webhook peak RSS < 10 MiB", max(rss["webhook (Swift)"]) < 10 * 1024),
    ]
    return report(checks, args.json, samples, cpu, rss, ratio)

if __name__ == "__main__":
    sys.exit(main())
