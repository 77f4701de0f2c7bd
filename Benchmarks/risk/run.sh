#!/usr/bin/env bash
# Times the risk-batch process end to end: throughput on 1M lines, peak RSS (/usr/bin/time -v), the same on 10M
# lines (10x input, streamed: memory must stay flat), and the latency of a 10,000-line batch.
# Usage: Benchmarks/risk/run.sh [BINARY]   (default: builds release into .build-risk)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-}
if [ -z "$bin" ]; then
    swift build -c release --scratch-path .build-risk --product risk-batch >/dev/null
    bin=.build-risk/release/risk-batch
fi
data=${RISK_BENCH_DIR:-/tmp/risk-bench}
mkdir -p "$data"
[ -s "$data/1m.ndjson" ] || python3 Benchmarks/risk/generate.py 1000000 > "$data/1m.ndjson"
[ -s "$data/10k.ndjson" ] || head -n 10000 "$data/1m.ndjson" > "$data/10k.ndjson"

measure() {  # name, input command
    local name=$1; shift
    local log="$data/$name.time"
    /usr/bin/time -v -o "$log" "$bin" < <("$@") > "$data/$name.out" 2> "$data/$name.summary"
    local wall rss lines
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    lines=$(wc -l < "$data/$name.out")
    echo "$name: $lines answers, wall $wall, peak RSS $((rss / 1024)) MiB; $(cat "$data/$name.summary")"
}

measure 1m cat "$data/1m.ndjson"
measure 10m bash -c "for i in 1 2 3 4 5 6 7 8 9 10; do cat '$data/1m.ndjson'; done"

# Latency of one 10,000-line batch (process start to exit), best of 5.
best=999999
for _ in 1 2 3 4 5; do
    s=$(date +%s%N); "$bin" < "$data/10k.ndjson" > /dev/null 2>&1; e=$(date +%s%N)
    ms=$(( (e - s) / 1000000 )); [ "$ms" -lt "$best" ] && best=$ms
done
echo "10k batch latency (best of 5, process start to exit): ${best} ms"
