#!/usr/bin/env python3
"""Magpie composition features from matminer 0.10.1 for Tests/Fixtures/composition_features.json.gz.

Compositions: every 700th reduced formula of ../shared/data/structures/mp_cgcnn36k.jsonl.gz plus a few
hand-picked ones (fractional amounts, elements without some Magpie values: noble gases, actinides).
Features: ElementProperty.from_preset("magpie"), Stoichiometry(), ValenceOrbital(), all with
matminer's defaults (impute_nan=True). Run with the reference venv (pip install matminer==0.10.1).
"""
import gzip
import json
import sys
from pathlib import Path

import matminer
from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital
from pymatgen.core import Composition

root = Path(__file__).resolve().parent.parent
data = root.parent / "shared" / "data" / "structures" / "mp_cgcnn36k.jsonl.gz"
out = root / "Tests" / "Fixtures" / "composition_features.json.gz"

formulas = []
with gzip.open(data, "rt") as f:
    for i, line in enumerate(f):
        if i % 700 == 0:
            formulas.append(json.loads(line)["formula"])
formulas += ["Li0.5CoO2", "XeF2", "PuO2", "Fe", "NaCl", "Ba0.25Sr0.75TiO3", "HeNe", "LaNi5H6"]

featurizers = [ElementProperty.from_preset("magpie"), Stoichiometry(), ValenceOrbital()]
labels = [label for f in featurizers for label in f.feature_labels()]
rows = []
for formula in formulas:
    comp = Composition(formula)
    values = [float(v) for f in featurizers for v in f.featurize(comp)]
    rows.append({"formula": formula, "features": values})

with gzip.open(out, "wt") as f:
    json.dump({"matminer": matminer.__version__, "labels": labels, "compositions": rows}, f)
print(f"{len(rows)} compositions, {len(labels)} features -> {out}", file=sys.stderr)
