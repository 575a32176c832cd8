#!/usr/bin/env python3
"""Python side of the `kiln predict --property band_gap` throughput benchmark: reads every CIF in a
folder with pymatgen, computes the same 146 Magpie composition features with matminer 0.10.1
(ElementProperty "magpie", Stoichiometry, ValenceOrbital, impute_nan=True) and predicts with an
ensemble of the same size as Kiln's band-gap model: 5 scikit-learn HistGradientBoostingRegressor
members of 1000 trees with at most 31 leaves (no early stopping). The members are fitted first on
the benchmark's own features (targets: the first feature, only to grow full-size trees); only
reading, featurising and predicting are timed. Prints the timings as JSON.

With --structure, the equivalent of Kiln's structure model (`kiln predict --model structure`): the
same Magpie features plus the CHGNet 0.3.0 descriptor (chgnet's `predict_structure(..., task="em",
return_atom_feas=True)` in batches of 16 with 2 torch threads: energy per atom, mean and largest
|magmom|, volume per atom, density, mean / std / min / max of the 64 atom features over atoms, and
E/atom minus a composition-weighted reference standing in for the fitted element references), 408
features in all, and members grown on them.

Usage (repo root): venv/bin/python Benchmarks/predict_python.py DIR [--structure]
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
structure_model = "--structure" in sys.argv[2:]
names = sorted(f for f in os.listdir(folder) if f.endswith(".cif"))
featurizers = [ElementProperty.from_preset("magpie", impute_nan=True), Stoichiometry(), ValenceOrbital(impute_nan=True)]


def featurize(comps):
    return np.array([sum((f.featurize(c) for f in featurizers), []) for c in comps])


if structure_model:
    import torch  # noqa: E402
    from chgnet.model import CHGNet  # noqa: E402

    torch.set_num_threads(2)
    chgnet = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)


def describe(structures):
    """The CHGNet descriptor of each structure (Kiln's CHGNetDescriptor) plus a formation-energy stand-in."""
    rows = []
    for s, p in zip(structures, chgnet.predict_structure(structures, task="em", return_atom_feas=True, batch_size=16)):
        a, m = np.asarray(p["atom_fea"]), np.abs(np.asarray(p["m"]))
        e = float(p["e"])
        rows.append([e, m.mean(), m.max(), s.volume / len(s), s.density, *a.mean(0), *a.std(0), *a.min(0), *a.max(0),
                     e - sum(amt / s.composition.num_atoms * -3.0 for amt in s.composition.values())])
    return np.array(rows)


def features(structures):
    X = featurize([s.composition for s in structures])
    return np.hstack([X, describe(structures)]) if structure_model else X


# grow the ensemble (untimed)
X = features([Structure.from_file(os.path.join(folder, n)) for n in names])
members = [HistGradientBoostingRegressor(max_iter=1000, max_leaf_nodes=31, early_stopping=False, random_state=s)
           .fit(X, X[:, 0] + np.random.default_rng(s).normal(0, 1, len(X))) for s in range(5)]

t0 = time.perf_counter()
structures = [Structure.from_file(os.path.join(folder, n)) for n in names]
t1 = time.perf_counter()
X = features(structures)
t2 = time.perf_counter()
P = np.array([m.predict(X) for m in members])
mean, std = P.mean(0), P.std(0)
t3 = time.perf_counter()
print(json.dumps({"structures": len(names), "features": X.shape[1], "trees_per_member": [m.n_iter_ for m in members],
                  "read_s": t1 - t0, "featurize_s": t2 - t1, "predict_s": t3 - t2, "total_s": t3 - t0,
                  "structures_per_s": len(names) / (t3 - t0)}))
