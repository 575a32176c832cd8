#!/usr/bin/env bash
# RL composition agents versus random composition sampling (issue 13): each method proposes
# COUNT compositions per chemical system (RLCompositionBenchmark, written by the SearchTests
# driver in a debug build), every proposal's structures (2 substitution + 1 random symmetric) are
# relaxed with CHGNet by the release `kiln relax`, and a composition is a hit when its best
# structure ends within 0.1 eV/atom of the MP hull. Also reports the predicted-E_hull hit rate.
#
# Run: scripts/rl_composition_benchmark.sh [OUT] (default /tmp/rl-composition-benchmark).
# KILN_RL_BENCHMARK_SYSTEMS, KILN_RL_BENCHMARK_COUNT, KILN_RL_BENCHMARK_SEED pass through.
# Rerunning resumes the relaxations (kiln relax journals them).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/rl-composition-benchmark}"
mkdir -p "$out"
if [ ! -f "$out/proposals.csv" ]; then
    swift build --build-tests
    KILN_RL_BENCHMARK_OUT="$out" swift test --skip-build --filter 'RLCompositionBenchmarkTests/testWriteBenchmarkInputs'
fi
[ -x .build/release/kiln ] || swift build -c release --product kiln
for dir in "$out"/structures/*/; do
    system="$(basename "$dir")"
    .build/release/kiln relax "$dir" --out "$out/relaxed/$system" --fmax 0.1 --steps 300 >/dev/null
done
python3 - "$out" <<'PY'
import csv, json, statistics, sys
out = sys.argv[1]
best = {}
for system in {row["system"] for row in csv.DictReader(open(f"{out}/proposals.csv"))}:
    for r in json.load(open(f"{out}/relaxed/{system}/summary.json")):
        if r["outcome"] in ("converged", "not_converged") and r.get("e_above_hull") is not None:
            key = system + "/" + r["id"].rsplit("-", 1)[0]  # SYSTEM/METHOD/FORMULA
            best[key] = min(best.get(key, float("inf")), r["e_above_hull"])
groups = {}
for row in csv.DictReader(open(f"{out}/proposals.csv")):
    groups.setdefault((row["system"], row["method"]), []).append(row)
print("| system | method | compositions | relaxed hits (E_hull ≤ 0.1) | predicted hits | MP-known | median best E_hull |")
print("|---|---|---|---|---|---|---|")
for (system, method), rows in groups.items():
    e = [best.get(f"{system}/{method}/{r['formula']}") for r in rows]
    relaxed = [x for x in e if x is not None]
    hits = sum(x <= 0.1 for x in relaxed)
    pred = sum(r["predicted_e_hull"] != "" and float(r["predicted_e_hull"]) <= 0.1 for r in rows)
    known = sum(r["mp_known"] == "true" for r in rows)
    median = f"{statistics.median(relaxed):.3f}" if relaxed else "–"
    n = len(rows)
    print(f"| {system} | {method} | {n} ({len(relaxed)} relaxed) | {hits}/{n} = {hits / n:.2f} | {pred}/{n} = {pred / n:.2f} | {known}/{n} | {median} |")
PY
