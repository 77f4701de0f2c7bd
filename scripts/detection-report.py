#!/usr/bin/env python3
"""Scores the prohibited-category detection corpus with risk-batch and prints precision and recall per category.

Usage: scripts/detection-report.py [--bin PATH] [--split tune|dev|heldout|all] [--group-prefix P] [--misses]
  --bin     the risk-batch binary (default .build/debug/risk-batch)
  --split   which part of Tests/WxPayRiskTests/Fixtures/detection-corpus.ndjson (default heldout; tune and dev are the
            tuning parts)
  --group-prefix  only the items whose group starts with P (e.g. tune6- for one tuning round), within the split
  --misses  list the misclassified items -- tuning parts only: the held-out part is for measuring, never for tuning,
            so its misses are not listed (only counted).
A prohibited item is detected when risk-batch says review or block, and attributed to a category when a rule
prohibited_<category>* fired. Precision per category: of the items flagged for that category, how many belong to it.
Ordinary items: the share blocked (target at most 1%) and the share sent to review.
"""
import argparse
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(root, "Tests", "WxPayRiskTests", "Fixtures", "detection-corpus.ndjson")
parser = argparse.ArgumentParser()
parser.add_argument("--bin", default=os.path.join(root, ".build", "debug", "risk-batch"))
parser.add_argument("--split", default="heldout", choices=["tune", "dev", "heldout", "all"])
parser.add_argument("--group-prefix", default="")
parser.add_argument("--misses", action="store_true")
args = parser.parse_args()
if args.misses and args.split in ("heldout", "all"):
    sys.exit("--misses is for the tuning parts only (tune, dev)")

items = [json.loads(line) for line in open(corpus, encoding="utf-8")]
items = [d for d in items if (args.split == "all" or d["split"] == args.split) and d["group"].startswith(args.group_prefix)]
stdin = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in items)
out = subprocess.run([args.bin], input=stdin.encode(), capture_output=True, check=True).stdout.decode()
answers = [json.loads(line) for line in out.splitlines()]
assert len(answers) == len(items)

categories = ["gambling", "crypto", "adult"]
rows = []
misses = []
flagged_as = {c: 0 for c in categories}
true_flagged = {c: 0 for c in categories}
for d, a in zip(items, answers):
    assert a["id"] == d["id"]
    fired = {c for c in categories for r in a.get("reasons", []) if r["rule"].startswith("prohibited_" + c)}
    flagged = a["action"] in ("review", "block")
    for c in fired:
        if flagged:
            flagged_as[c] += 1
            if d["category"] == c:
                true_flagged[c] += 1
    ok = (flagged and d["category"] in fired) if d["category"] != "ordinary" else a["action"] != "block"
    if not ok or (d["category"] == "ordinary" and a["action"] == "review"):
        misses.append((d, a))

print(f"split: {args.split}{', groups ' + args.group_prefix + '*' if args.group_prefix else ''} ({len(items)} items)")
print()
print("| category | items | detected (review or block) | recall | precision |")
print("|---|---:|---:|---:|---:|")
for c in categories:
    mine = [(d, a) for d, a in zip(items, answers) if d["category"] == c]
    hit = sum(1 for d, a in mine if a["action"] in ("review", "block")
              and any(r["rule"].startswith("prohibited_" + c) for r in a.get("reasons", [])))
    precision = true_flagged[c] / flagged_as[c] if flagged_as[c] else 1.0
    print(f"| {c} | {len(mine)} | {hit} | {100 * hit / max(len(mine), 1):.1f}% | {100 * precision:.1f}% |")
ordinary = [(d, a) for d, a in zip(items, answers) if d["category"] == "ordinary"]
blocked = sum(1 for d, a in ordinary if a["action"] == "block")
review = sum(1 for d, a in ordinary if a["action"] == "review")
print(f"| ordinary | {len(ordinary)} | blocked {blocked} ({100 * blocked / max(len(ordinary), 1):.1f}%), "
      f"review {review} ({100 * review / max(len(ordinary), 1):.1f}%) | | |")
print()
evasions = sorted({d["evasion"] for d in items if d["category"] != "ordinary"})
print("recall by evasion: " + ", ".join(
    f"{e} {sum(1 for d, a in zip(items, answers) if d['evasion'] == e and d['category'] != 'ordinary' and a['action'] != 'approve')}"
    f"/{sum(1 for d in items if d['evasion'] == e and d['category'] != 'ordinary')}" for e in evasions))
if args.misses:
    print()
    for d, a in misses:
        rules = ",".join(r["rule"] for r in a.get("reasons", []))
        print(f"{d['id']} [{d['category']}/{d['evasion']}] {d['description']!r} -> {a['action']} {rules}")
else:
    print(f"misclassified: {len(misses)} (not listed)")
