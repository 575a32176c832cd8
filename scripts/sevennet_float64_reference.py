#!/usr/bin/env python3
"""SevenNet-0 and SevenNet-l3i5 (sevenn 0.13.0) evaluated in float64 on the structures of
Tests/Fixtures/sevennet.json.gz, written to Tests/Fixtures/sevennet_float64.json.gz.

sevenn computes in float32; the float64 run separates its rounding noise from porting errors
(as scripts/chgnet_float64_reference.py does for CHGNet). Usage (repo root, a venv with
sevenn==0.13.0): python scripts/sevennet_float64_reference.py
"""
import gzip
import json
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(2)
# Build the models in float64 (e3nn bakes its coupling constants in the default dtype); sevenn's
# loader compares stored float32 coefficients with fresh ones, so let it compare in float64.
torch.set_default_dtype(torch.float64)
_allclose = torch.allclose
torch.allclose = lambda a, b, *args, **kw: _allclose(a.double(), b.double(), *args, **kw)
from pymatgen.core import Lattice, Structure  # noqa: E402
from pymatgen.io.ase import AseAtomsAdaptor  # noqa: E402
import sevenn.util  # noqa: E402
from sevenn.calculator import SevenNetCalculator  # noqa: E402

# sevenn casts every input to float32 (sevenn.util.dtype_correct); keep float64 instead.
_correct = sevenn.util.dtype_correct
sevenn.util.dtype_correct = lambda v, float_dtype=torch.float64, int_dtype=torch.int64: _correct(v, float_dtype, int_dtype)



def to_float64(module, args, data):
    for k, v in list(data.items()):
        if isinstance(v, torch.Tensor) and v.is_floating_point() and v.dtype != torch.float64:
            data[k] = v.double()
    return data


MODELS = {"sevennet-0": "7net-0", "sevennet-l3i5": "7net-l3i5"}
structures = {s["id"]: s["structure"] for s in json.load(gzip.open("Tests/Fixtures/structures.json.gz"))["structures"]}
ids = [r["id"] for r in json.load(gzip.open("Tests/Fixtures/sevennet.json.gz"))["results"]]
out = {}
for name, key in MODELS.items():
    calc = SevenNetCalculator(model=key, device="cpu")
    calc.model.double()
    for module in calc.model.children():  # e.g. the one-hot embedding makes float32 tensors
        module.register_forward_hook(to_float64)
    for i in ids:
        d = structures[i]
        s = Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"])
        atoms = AseAtomsAdaptor.get_atoms(s)
        try:
            atoms.calc = calc
            e = float(atoms.get_potential_energy())
        except Exception as exc:  # element not covered
            out.setdefault(i, {})[name] = {"error": str(exc)[:200]}
            continue
        out.setdefault(i, {})[name] = {
            "energy_per_atom": e / len(s), "forces": np.asarray(atoms.get_forces()).tolist(),
            "stress_GPa_voigt": (np.asarray(atoms.get_stress(voigt=True)) * 160.21766208).tolist()}
with gzip.open("Tests/Fixtures/sevennet_float64.json.gz", "wt") as f:
    json.dump({"meta": {"generator": "scripts/sevennet_float64_reference.py", "dtype": "float64",
                        "models": MODELS}, "results": out}, f)
print(len(out), "structures")
