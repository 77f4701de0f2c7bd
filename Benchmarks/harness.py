"""What the whole-process benchmarks share: timing one process, percentiles, the load line, the PASS/MISS report.

Both sides of every comparison are started, fed and reaped the same way: wall time runs from before the spawn until
`wait4` returns, and `wait4`'s rusage gives CPU time and peak RSS.
"""
import json
import os
import subprocess
import time


def run_once(argv, data, env):
    """(wall seconds, CPU seconds, peak RSS KiB, exit status, stdout bytes) of one process fed `data` on stdin."""
    start = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    p.stdin.write(data)
    p.stdin.close()
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e9
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, p.returncode, out


def percentile(values, p):
    """The `p` quantile (0..1) of `values`, linearly interpolated."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def print_load():
    """Prints the load average: wall times include waiting for a CPU."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} CPUs (wall times include waiting for a CPU)\n")


def report(checks, json_path, samples, cpu, rss, ratio):
    """Prints each (label, ok) target as PASS or MISS, writes the raw timings to `json_path` if given, and returns
    the exit status: 0 when every target is met, 1 otherwise."""
    for label, ok in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {label}")
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"samples_s": samples, "cpu_s": cpu, "peak_rss_kib": rss, "ratio": ratio}, f)
    return 0 if all(ok for _, ok in checks) else 1
