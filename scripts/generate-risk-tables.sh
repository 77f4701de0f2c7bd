#!/usr/bin/env bash
# Regenerates Sources/WxPayRisk/TextNormalizer+Tables.swift (the tables behind TextNormalizer.fold) from the
# folding rules in Sources/WxPayRisk/TextNormalizer.swift. Run it after changing those rules or the traditional
# pairs, or when TextNormalizerTablesTests reports the tables stale (e.g. a toolchain with a newer Unicode).
# Usage: scripts/generate-risk-tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=Sources/WxPayRisk/TextNormalizer+Tables.swift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The generator is compiled with the normalizer itself (and the current tables, which it only needs to compile).
swiftc -O -parse-as-library -module-name WxPayRiskTables -o "$work/generate" \
    Sources/WxPayRisk/TextNormalizer.swift Sources/WxPayRisk/TextNormalizer+Traditional.swift "$out" \
    scripts/generate-risk-tables.swift
"$work/generate" > "$work/tables.swift"
mv "$work/tables.swift" "$out"
echo "wrote $out ($(wc -l < "$out") lines)"
