#!/usr/bin/env python3
"""SevenNet-MF-0's PBE head (sevenn 0.13.0, modal="PBE") on the structures of
Tests/Fixtures/sevennet.json.gz, in float32 as sevenn runs and in float64 (which separates its
rounding noise from porting errors, as scripts/sevennet_float64_reference.py does for SevenNet-0):
Tests/Fixtures/sevennet_mf.json.gz, {"results": {"float32" | "float64": {id: values}}}.

Usage (repo root, a venv with sevenn==0.13.0): python scripts/sevennet_mf_reference.py
(runs itself twice, once per precision).
"""
import gzip
import json
import os
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
OUT = "Tests/Fixtures/sevennet_mf.json.gz"


def run(precision):
    import numpy as np
    import torch

    torch.set_num_threads(2)
    if precision == "float64":
        # As scripts/sevennet_float64_reference.py: build in float64, keep float64 inputs.
        torch.set_default_dtype(torch.float64)
        allclose = torch.allclose
        torch.allclose = lambda a, b, *args, **kw: allclose(a.double(), b.double(), *args, **kw)
        import sevenn.util
        correct = sevenn.util.dtype_correct
        sevenn.util.dtype_correct = lambda v, float_dtype=torch.float64, int_dtype=torch.int64: correct(v, float_dtype, int_dtype)
    from pymatgen.core import Lattice, Structure
    from pymatgen.io.ase import AseAtomsAdaptor
    from sevenn.calculator import SevenNetCalculator

    calc = SevenNetCalculator(model="7net-mf-0", modal="PBE", device="cpu")
    if precision == "float64":
        calc.model.double()

        def to_float64(module, args, data):
            for k, v in list(data.items()):
                if isinstance(v, torch.Tensor) and v.is_floating_point() and v.dtype != torch.float64:
                    data[k] = v.double()
            return data

        for module in calc.model.children():
            module.register_forward_hook(to_float64)
    structures = {s["id"]: s["structure"] for s in json.load(gzip.open("Tests/Fixtures/structures.json.gz"))["structures"]}
    out = {}
    for r in json.load(gzip.open("Tests/Fixtures/sevennet.json.gz"))["results"]:
        d = structures[r["id"]]
        atoms = AseAtomsAdaptor.get_atoms(Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"]))
        try:
            atoms.calc = calc
            e = float(atoms.get_potential_energy())
        except Exception as exc:  # element not covered
            out[r["id"]] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        out[r["id"]] = {"energy_per_atom": e / len(atoms), "forces": np.asarray(atoms.get_forces()).tolist(),
                        "stress_GPa_voigt": (np.asarray(atoms.get_stress(voigt=True)) * 160.21766208).tolist()}
    return out


if __name__ == "__main__":
    if len(sys.argv) == 2:
        json.dump(run(sys.argv[1]), sys.stdout)
    else:
        results = {p: json.loads(subprocess.run([sys.executable, __file__, p], check=True, capture_output=True,
                                                text=True).stdout) for p in ("float32", "float64")}
        with gzip.open(OUT, "wt") as f:
            json.dump({"meta": {"generator": "scripts/sevennet_mf_reference.py",
                                "model": "sevenn 0.13.0 '7net-mf-0', modal PBE"}, "results": results}, f)
        print({p: len(v) for p, v in results.items()}, OUT)
