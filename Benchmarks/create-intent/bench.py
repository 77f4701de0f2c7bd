#!/usr/bin/env python3
"""Times whole processes, one per call: `create-intent` (native channel) versus the same order placed in Python with
`wechatpayv3`, both against the same running `wxpay-emulator`.

Every call uses a new idempotency key, so every call places a new order (Swift keys `bench-s-*`, Python keys
`bench-p-*`: the two sides never share an order). Both sides are started, fed and reaped the same way; wall time runs
from before the spawn until `wait4` returns, and `wait4`'s rusage gives CPU time and peak RSS. The order of the two
alternates from call to call. Every answer must be a fresh native intent with a code_url, else the run fails: a fast
wrong answer is not a result. At the end the emulator's counters must show exactly one order per call.
"""
import argparse
import json
import os
import statistics
import sys
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import percentile, print_load, report, run_once  # noqa: E402


def check(name, status, out, key):
    try:
        answer = json.loads(out)
    except ValueError:
        raise SystemExit(f"{name}: stdout is not JSON (exit {status}): {out[:300]!r}")
    ok = (status == 0 and answer.get("status") == "requires_confirmation" and answer.get("replayed") is False
          and answer.get("idempotency_key") == key
          and str(answer.get("confirmation_url", "")).startswith("weixin://wxpay/bizpayurl"))
    if not ok:
        raise SystemExit(f"{name}: not a fresh native intent (exit {status}): {out[:300]!r}")


def control(api_base, path):
    with urllib.request.urlopen(api_base + path, timeout=10) as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--create-intent", required=True)
    ap.add_argument("--python-script", required=True)
    ap.add_argument("--secrets", required=True)
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--json", help="also write the raw timings here")
    args = ap.parse_args()

    with open(args.secrets, encoding="utf-8") as f:
        api_base = json.load(f)["api_base"]
    before = control(api_base, "/_emulator/stats")["orders_created"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WXPAY_SECRETS_FILE": args.secrets,
           "LOG_LEVEL": "error", "HOME": os.environ.get("HOME", "/tmp")}
    sides = {
        "create-intent (Swift)": ("s", [args.create_intent]),
        "wechatpayv3 (Python)": ("p", [sys.executable, args.python_script]),
    }
    samples = {name: [] for name in sides}
    rss = {name: [] for name in sides}
    cpu = {name: [] for name in sides}
    run_id = os.urandom(4).hex()

    def event(tag, i):
        key = f"bench-{tag}-{run_id}-{i}"
        return key, json.dumps({"amount": 1999, "description": "Benchmark order", "idempotency_key": key,
                                "channel": "native"}).encode()

    calls = 0
    for i in range(-args.warmup, args.n):
        order = list(sides.items()) if i % 2 == 0 else list(reversed(sides.items()))
        for name, (tag, argv) in order:
            key, data = event(tag, i)
            elapsed, cpu_time, peak, status, out = run_once(argv, data, env)
            check(name, status, out, key)
            calls += 1
            if i >= 0:
                samples[name].append(elapsed)
                cpu[name].append(cpu_time)
                rss[name].append(peak)
        if i >= 0 and (i + 1) % 50 == 0:
            print(f"  {i + 1}/{args.n} calls per side", file=sys.stderr)

    created = control(api_base, "/_emulator/stats")["orders_created"] - before
    if created != calls:
        raise SystemExit(f"the emulator created {created} orders for {calls} calls")

    print(f"\n{args.n} calls per side (after {args.warmup} warm-up), one process per call, a new idempotency key "
          f"(a new native order) each time; {created} orders created\n")
    print_load()
    print(f"{'':24} {'median':>10} {'p90':>10} {'mean':>10} {'min':>10} {'CPU median':>11} {'peak RSS':>12}")
    for name in sides:
        s = samples[name]
        print(f"{name:24} {statistics.median(s) * 1e3:8.2f}ms {percentile(s, 0.9) * 1e3:8.2f}ms "
              f"{statistics.fmean(s) * 1e3:8.2f}ms {min(s) * 1e3:8.2f}ms {statistics.median(cpu[name]) * 1e3:9.2f}ms "
              f"{max(rss[name]) / 1024:8.1f} MiB")
    swift, python = samples["create-intent (Swift)"], samples["wechatpayv3 (Python)"]
    ratio = statistics.median(python) / statistics.median(swift)
    p90_ratio = percentile(python, 0.9) / percentile(swift, 0.9)
    cpu_ratio = statistics.median(cpu["wechatpayv3 (Python)"]) / max(statistics.median(cpu["create-intent (Swift)"]), 1e-6)
    print(f"\nratio (Python / Swift): {ratio:.1f}x median wall, {p90_ratio:.1f}x p90 wall, {cpu_ratio:.1f}x median CPU")
    print("note: both make one signed, verified prepay call per fresh key; create-intent also validates, fingerprints "
          "and loads libcurl (dlopen) on the way")

    checks = [
        ("create-intent median < 15 ms a process", statistics.median(swift) < 0.015),
        ("create-intent >= 20x faster than the Python process (medians)", ratio >= 20),
    ]
    return report(checks, args.json, samples, cpu, rss, ratio)

if __name__ == "__main__":
    sys.exit(main())
