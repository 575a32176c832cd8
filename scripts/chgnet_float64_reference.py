#!/usr/bin/env python3
"""CHGNet 0.3.0 (chgnet 0.4.2) evaluated in float64 on the structures of
Tests/Fixtures/chgnet.json.gz, written to Tests/Fixtures/chgnet_float64.json.gz.

chgnet computes in float32; for a few structures (sub-ångström bonds, near-linear angles)
its float32 forces/stresses carry rounding noise above the port's tolerances. The float64
run separates that noise from porting errors. Usage (repo root, the venv with chgnet):
    python scripts/chgnet_float64_reference.py
"""
import gzip
import json

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
import chgnet.graph.converter as converter  # noqa: E402
import chgnet.graph.crystalgraph as crystalgraph  # noqa: E402
import chgnet.model.composition_model as composition  # noqa: E402
import chgnet.model.model as model_module  # noqa: E402
from chgnet.model import CHGNet  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402

for m in (converter, crystalgraph, model_module):
    m.TORCH_DTYPE = torch.float64
_energy = composition.AtomRef._get_energy
composition.AtomRef._get_energy = lambda self, x: _energy(self, x.double())

structures = {s["id"]: s["structure"] for s in json.load(gzip.open("Tests/Fixtures/structures.json.gz"))["structures"]}
ids = [r["id"] for r in json.load(gzip.open("Tests/Fixtures/chgnet.json.gz"))["results"]]
model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False).double()
out = {}
for i in ids:
    d = structures[i]
    s = Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"])
    g = model.graph_converter(s)
    g.atom_frac_coord = g.atom_frac_coord.double()
    g.lattice = g.lattice.double()
    p = model.predict_graph(g, task="efsm")
    out[i] = {"energy_per_atom": float(p["e"]), "forces": np.asarray(p["f"]).tolist(),
              "stress_GPa": np.asarray(p["s"]).tolist(), "magmoms": np.asarray(p["m"]).tolist()}
meta = {"generator": "scripts/chgnet_float64_reference.py", "chgnet": "0.4.2", "model": "0.3.0",
        "dtype": "float64 (model weights and graph geometry cast from the float32 checkpoint)",
        "call": "model.predict_graph(model.graph_converter(structure), task='efsm')"}
with gzip.open("Tests/Fixtures/chgnet_float64.json.gz", "wt") as f:
    json.dump({"meta": meta, "results": out}, f)
print(len(out), "structures")
