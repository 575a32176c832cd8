#!/usr/bin/env python3
"""PyTorch side of the whole-process `kiln energy` benchmark: reads every CIF/POSCAR in a folder
with pymatgen and evaluates chgnet 0.4.2 (model 0.3.0) energy, forces, stress and magnetic
moments, the batched way (`predict_structure(list, task="efsm", batch_size=16)`, CHGNet's
default batch) with 2 torch threads, and prints one JSON record per structure.

Usage (repo root): /usr/bin/time -v venv/bin/python Benchmarks/energy_python.py DIR [--batch-size 16] > out.json
"""
import argparse
import contextlib
import io
import json
import os
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("folder")
ap.add_argument("--batch-size", type=int, default=16)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
warnings.filterwarnings("ignore")
import torch  # noqa: E402

torch.set_num_threads(a.threads)
from chgnet.model import CHGNet  # noqa: E402
from pymatgen.core import Structure  # noqa: E402

names = sorted(f for f in os.listdir(a.folder) if f.endswith((".cif", ".vasp")) or f.startswith("POSCAR"))
structures = [Structure.from_file(os.path.join(a.folder, f)) for f in names]
with contextlib.redirect_stdout(io.StringIO()):
    model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
    predictions = model.predict_structure(structures, task="efsm", batch_size=a.batch_size)
out = [{"file": f, "n_sites": len(s), "energy_per_atom_eV": float(p["e"]), "forces_eV_per_A": p["f"].tolist(),
        "stress_GPa": p["s"].tolist(), "magmoms_muB": p["m"].ravel().tolist()}
       for f, s, p in zip(names, structures, predictions)]
print(json.dumps(out))
