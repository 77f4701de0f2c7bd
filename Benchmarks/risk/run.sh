#!/usr/bin/env bash
# Times the risk-batch process end to end: throughput on 1M lines, peak RSS (/usr/bin/time -v), the same on 10M
# lines (10x input, streamed: memory must stay flat), and the latency of a 10,000-line batch.
# Throughput is reported per CPU-second (user + sys of the process: what one core does, unaffected by other
# work on a shared machine) and per wall-clock second.
# Usage: Benchmarks/risk/run.sh [BINARY]   (default: builds release, static stdlib, into .build-risk-release)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-}
if [ -z "$bin" ]; then
    swift build -c release --static-swift-stdlib --scratch-path .build-risk-release --product risk-batch >/dev/null
    bin=.build-risk-release/release/risk-batch
fi
data=${RISK_BENCH_DIR:-/tmp/risk-bench}
mkdir -p "$data"
[ -s "$data/1m.ndjson" ] || python3 Benchmarks/risk/generate.py 1000000 > "$data/1m.ndjson"
[ -s "$data/10k.ndjson" ] || head -n 10000 "$data/1m.ndjson" > "$data/10k.ndjson"

# seconds from /usr/bin/time's "h:mm:ss" or "m:ss.ss"
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<< "$1"; }

measure() {  # name, input command
    local name=$1; shift
    local log="$data/$name.time"
    /usr/bin/time -v -o "$log" "$bin" < <("$@") > "$data/$name.out" 2> "$data/$name.summary"
    local user sys wall rss lines
    user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$log")
    sys=$(awk -F': ' '/System time \(seconds\)/ {print $2}' "$log")
    wall=$(to_seconds "$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    lines=$(wc -l < "$data/$name.out")
    awk -v n="$name" -v l="$lines" -v u="$user" -v s="$sys" -v w="$wall" -v r="$rss" 'BEGIN {
        cpu = u + s
        printf "%-4s %9d tx: CPU %.2f s (user %.2f + sys %.2f) = %.0f tx/s per CPU-second; wall %.2f s = %.0f tx/s; peak RSS %.1f MiB\n",
            n, l, cpu, u, s, (cpu > 0 ? l / cpu : 0), w, (w > 0 ? l / w : 0), r / 1024 }'
}

echo "risk-batch benchmark: $(basename "$bin"), input ~$(( $(wc -c < "$data/1m.ndjson") / 1000000 )) bytes/tx, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure 1m cat "$data/1m.ndjson"
measure 10m bash -c "for i in 1 2 3 4 5 6 7 8 9 10; do cat '$data/1m.ndjson'; done"

# Latency of one 10,000-line batch (process start to exit, NDJSON on stdin), best of 5: wall and CPU.
best_wall=999999; best_cpu=999999
for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %U %S" -o "$data/10k.time" "$bin" < "$data/10k.ndjson" > /dev/null 2>&1
    read -r w u s < "$data/10k.time"
    best_wall=$(awk -v a="$best_wall" -v b="$w" 'BEGIN { print (b * 1000 < a ? b * 1000 : a) }')
    best_cpu=$(awk -v a="$best_cpu" -v u="$u" -v s="$s" 'BEGIN { c = (u + s) * 1000; print (c < a ? c : a) }')
done
echo "10k  batch latency (best of 5, process start to exit): wall ${best_wall} ms, CPU ${best_cpu} ms"
