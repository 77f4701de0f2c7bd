#!/usr/bin/env python3
"""Times whole `webhook` processes, one per notification, without a risk store and with SQLite and Redis.

For each of N notifications (40 payers in turn, fresh timestamps, printed by `wxpay-simulate`, untimed) the same bytes
go to the three configurations, in an order that rotates from event to event. Every answer must be statusCode 200
with a risk object, and the store configurations must not report `history_unavailable`: a fast degraded answer is
not a result. The extra cost of a store is the difference of medians (wall and CPU) against stateless; the store
timeout is raised to 1 s so that a slow moment of a loaded machine shows as time, not as a degraded answer.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import percentile, print_load, report, run_once  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--webhook", required=True)
    ap.add_argument("--simulate", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--sqlite", required=True, help="the SQLite file to use (created)")
    ap.add_argument("--redis", required=True, help="redis://HOST:PORT/DB")
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--payers", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--json")
    args = ap.parse_args()

    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WXPAY_SECRETS_FILE": args.keys + "/secrets.json",
            "LOG_LEVEL": "error", "HOME": os.environ.get("HOME", "/tmp")}
    store = {"WXPAY_RISK_STORE_TIMEOUT_MS": "1000"}
    sides = {
        "stateless": base,
        "SQLite (WAL file)": dict(base, WXPAY_RISK_STORE="sqlite:" + args.sqlite, **store),
        "Redis (loopback)": dict(base, WXPAY_RISK_STORE=args.redis, **store),
    }
    samples = {name: [] for name in sides}
    cpu = {name: [] for name in sides}
    rss = {name: [] for name in sides}

    def notification(i):
        trade_no = f"RSB{i + 1000000:07d}"
        out = subprocess.run([args.simulate, "notify", "--sandbox", args.keys + "/sandbox.json",
                              "--out-trade-no", trade_no, "--openid", f"oBenchPayer{i % args.payers:04d}",
                              "--amount", str(1000 + (i * 37) % 5000)],
                             check=True, capture_output=True).stdout
        return out

    def run(name, env, data):
        elapsed, cpu_time, peak, status, out = run_once([args.webhook], data, env)
        answer = json.loads(out)
        risk = (answer.get("event") or {}).get("risk") or {}
        rules = [r.get("rule") for r in risk.get("reasons", [])]
        if status != 0 or answer.get("statusCode") != 200 or not risk:
            raise SystemExit(f"{name}: not accepted (exit {status}): {out[:300]!r}")
        if "history_unavailable" in rules:
            raise SystemExit(f"{name}: the store was not used: {risk}")
        return elapsed, cpu_time, peak, rules

    names = list(sides)
    for i in range(args.warmup):
        data = notification(-1 - i)
        for name in names:
            run(name, sides[name], data)
    flagged = {name: 0 for name in sides}
    for i in range(args.n):
        data = notification(i)
        k = i % len(names)
        for name in names[k:] + names[:k]:
            elapsed, cpu_time, peak, rules = run(name, sides[name], data)
            samples[name].append(elapsed)
            cpu[name].append(cpu_time)
            rss[name].append(peak)
            if any(r.startswith("velocity_") or r == "amount_spike" for r in rules):
                flagged[name] += 1
        if (i + 1) % 100 == 0:
            print(f"  {i + 1}/{args.n} notifications", file=sys.stderr)

    print(f"\n{args.n} notifications from {args.payers} payers, one webhook process per notification and "
          f"configuration, same bytes for all three\n")
    print_load()
    print(f"{'':20} {'median':>9} {'p90':>9} {'CPU median':>11} {'extra (wall)':>13} {'extra (CPU)':>12} "
          f"{'peak RSS':>10} {'flagged by history':>19}")
    base_wall = statistics.median(samples["stateless"])
    base_cpu = statistics.median(cpu["stateless"])
    extras = {}
    for name in sides:
        wall, c = statistics.median(samples[name]), statistics.median(cpu[name])
        extras[name] = (wall - base_wall, c - base_cpu)
        print(f"{name:20} {wall * 1e3:7.2f}ms {percentile(samples[name], 0.9) * 1e3:7.2f}ms {c * 1e3:9.2f}ms "
              f"{(wall - base_wall) * 1e3:+11.2f}ms {(c - base_cpu) * 1e3:+10.2f}ms "
              f"{max(rss[name]) / 1024:6.1f} MiB {flagged[name]:>19}")
    checks = [(f"{name}: at most 1 ms more than stateless (median wall)", extras[name][0] <= 0.001)
              for name in names[1:]]
    return report(checks, args.json, samples, cpu, rss, None)


if __name__ == "__main__":
    sys.exit(main())
