#!/usr/bin/env python3
"""Builds the extra known-formula list of ReferenceData from ../shared/data (run once, from the
repository root; standard library only):

    python3 scripts/build_known_formulas.py ../shared/data

Writes Sources/ReferenceData/Resources/:
  * mp_known_formulas.csv.gz: `formula,source`, one row per reduced formula that the MP composition
    tables list but the bundled energy table (mp_reference.csv.gz) does not. Formulas are written with
    integer counts, elements in alphabetical order (Kiln re-reduces them on load); `source` is the
    first table naming it: `mp_e_hull` (CrabNet's matbench-style mp_e_hull train/val/test) or `mp20`
    (LeMaterial's MP-20 partial properties).
  * mp_known_formulas_meta.json: provenance, licence, counts (read as `MPKnownFormulas.Metadata`).
The matbench mp_e_form table is compared too; every one of its formulas is already in the energy table.
"""
import csv, gzip, json, os, re, sys
from functools import reduce
from math import gcd

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = "Sources/ReferenceData/Resources"


def reduced(formula):
    counts = {}
    for el, n in re.findall(r"([A-Z][a-z]?)([0-9.]*)", formula):
        counts[el] = counts.get(el, 0.0) + (float(n) if n else 1.0)
    assert all(abs(v - round(v)) < 1e-6 for v in counts.values()), formula
    ints = {k: int(round(v)) for k, v in counts.items() if round(v) > 0}
    g = reduce(gcd, ints.values())
    return "".join(f"{k}{v // g if v // g > 1 else ''}" for k, v in sorted(ints.items()))


def formulas(path, column):
    with gzip.open(os.path.join(data, path), "rt") as f:
        return {reduced(r[column]) for r in csv.DictReader(f)}


known = formulas(os.path.join(os.getcwd(), out, "mp_reference.csv.gz"), "formula")
tables = [
    ("mp_e_form", ["mp_reference/matbench_mp_e_form_compositions.csv.gz"], "formula"),
    ("mp_e_hull", [f"mp_reference/mp_e_hull_compositions_{s}.csv.gz" for s in ("train", "val", "test")], "formula"),
    ("mp20", ["mp20_derived/mp20_partial_properties.csv.gz"], "pretty_formula"),
]
rows, stats = [], []
for source, paths, column in tables:
    listed = set().union(*(formulas(p, column) for p in paths))
    new = sorted(listed - known)
    rows += [(f, source) for f in new]
    known |= listed
    stats.append({"source": source, "files": paths, "distinct_formulas": len(listed), "added": len(new)})

with gzip.open(os.path.join(out, "mp_known_formulas.csv.gz"), "wt", compresslevel=9) as f:
    f.write("formula,source\n")
    for formula, source in rows:
        f.write(f"{formula},{source}\n")

meta = {
    "name": "mp-composition-tables",
    "description": "Reduced formulas listed by MP composition tables but absent from the bundled MP energy "
                   "table (mp_reference.csv.gz): known compositions without a structure or energy in Kiln.",
    "sources": [
        {"source": "mp_e_form", "what": "matbench mp_e_form compositions (MP database 2018.10)",
         "origin": "anthony-wang/CrabNet@457b4d4835737ecbe4dd33e53174bd818bd82143 data/matbench/mp_e_form.csv"},
        {"source": "mp_e_hull", "what": "MP energy-above-hull compositions (MP, about 2019)",
         "origin": "anthony-wang/CrabNet@457b4d4835737ecbe4dd33e53174bd818bd82143 data/benchmark_data/mp_e_hull/{train,val,test}.csv"},
        {"source": "mp20", "what": "MP-20 materials' formulas (MP, about 2021; 36,681 of 45,229 MP-20 ids)",
         "origin": "LeMaterial/lemat-genbench@2383022e9ef1c2d004d82cdf16b5cf7feb74eb4d data/mp20_hulls/*_above_hull_dataset.parquet"},
    ],
    "tables": stats,
    "n_formulas": len(rows),
    "license": "CC-BY-4.0",
    "citation": "A. Jain et al., APL Materials 1, 011002 (2013); A. Dunn et al., npj Comput. Mater. 6, 138 (2020); "
                "T. Xie et al., ICLR 2022 (MP-20)",
}
with open(os.path.join(out, "mp_known_formulas_meta.json"), "w") as f:
    json.dump(meta, f, indent=1)
    f.write("\n")
print(json.dumps(stats, indent=1), len(rows))
