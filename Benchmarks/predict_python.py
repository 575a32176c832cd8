#!/usr/bin/env python3
"""Python side of the `kiln predict --property band_gap` throughput benchmark: reads every CIF in a
folder with pymatgen, computes the same 146 Magpie composition features with matminer 0.10.1
(ElementProperty "magpie", Stoichiometry, ValenceOrbital, impute_nan=True) and predicts with an
ensemble of the same size as Kiln's band-gap model: 5 scikit-learn HistGradientBoostingRegressor
members of 1000 trees with at most 31 leaves (no early stopping). The members are fitted first on
the benchmark's own features (targets: the first feature, only to grow full-size trees); only
reading, featurising and predicting are timed. Prints the timings as JSON.

Usage (repo root): venv/bin/python Benchmarks/predict_python.py DIR
"""
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
from matminer.featurizers.composition import ElementProperty, Stoichiometry, ValenceOrbital  # noqa: E402
from pymatgen.core import Structure  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402

folder = sys.argv[1]
names = sorted(f for f in os.listdir(folder) if f.endswith(".cif"))
featurizers = [ElementProperty.from_preset("magpie", impute_nan=True), Stoichiometry(), ValenceOrbital(impute_nan=True)]


def featurize(comps):
    return np.array([sum((f.featurize(c) for f in featurizers), []) for c in comps])


# grow the ensemble (untimed)
comps = [Structure.from_file(os.path.join(folder, n)).composition for n in names]
X = featurize(comps)
members = [HistGradientBoostingRegressor(max_iter=1000, max_leaf_nodes=31, early_stopping=False, random_state=s)
           .fit(X, X[:, 0] + np.random.default_rng(s).normal(0, 1, len(X))) for s in range(5)]

t0 = time.perf_counter()
structures = [Structure.from_file(os.path.join(folder, n)) for n in names]
t1 = time.perf_counter()
X = featurize([s.composition for s in structures])
t2 = time.perf_counter()
P = np.array([m.predict(X) for m in members])
mean, std = P.mean(0), P.std(0)
t3 = time.perf_counter()
print(json.dumps({"structures": len(names), "trees_per_member": [m.n_iter_ for m in members],
                  "read_s": t1 - t0, "featurize_s": t2 - t1, "predict_s": t3 - t2, "total_s": t3 - t0,
                  "structures_per_s": len(names) / (t3 - t0)}))
