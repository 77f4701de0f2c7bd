#!/usr/bin/env bash
# Retrains the prohibited-category text model from the labelled corpus and rewrites its generated weights
# (Sources/WxPayRisk/RiskTextModel+Weights.swift). Deterministic: the same corpus gives the same file.
# Weights come from the corpus's `tune` part and thresholds from its `dev` part; the `heldout` part is never read.
# After retraining, measure once with `scripts/detection-report.py --split heldout` and record the figures in README.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
swift build -c release --product wxpay-risk-model >&2
"$(swift build -c release --show-bin-path)/wxpay-risk-model" train \
    --corpus Tests/WxPayRiskTests/Fixtures/detection-corpus.ndjson \
    --out Sources/WxPayRisk/RiskTextModel+Weights.swift --epochs "${EPOCHS:-80}" "$@"
