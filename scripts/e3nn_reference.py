#!/usr/bin/env python3
"""e3nn 0.6.0's Wigner 3j symbols (l ≤ 3) and real spherical harmonics on a few unit vectors,
written to Tests/Fixtures/e3nn.json.gz for the equivariant blocks' tests.
Usage (repo root, a venv with e3nn): python scripts/e3nn_reference.py
"""
import gzip
import json

import numpy as np
import torch
from e3nn import o3

torch.set_default_dtype(torch.float64)
w3j = {}
for l1 in range(4):
    for l2 in range(4):
        for l3 in range(abs(l1 - l2), min(l1 + l2, 3) + 1):
            w3j[f"{l1},{l2},{l3}"] = o3.wigner_3j(l1, l2, l3).reshape(-1).tolist()
rng = np.random.default_rng(7)
v = rng.normal(size=(6, 3))
v /= np.linalg.norm(v, axis=1, keepdims=True)
sh = o3.spherical_harmonics(list(range(4)), torch.tensor(v), normalize=True, normalization="component")
with gzip.open("Tests/Fixtures/e3nn.json.gz", "wt") as f:
    json.dump({"meta": {"generator": "scripts/e3nn_reference.py", "e3nn": __import__("e3nn").__version__},
               "wigner_3j": w3j, "vectors": v.tolist(), "spherical_harmonics": sh.tolist()}, f)
print(len(w3j), "symbols")
