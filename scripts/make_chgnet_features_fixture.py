"""Write Tests/Fixtures/chgnet_features.json.gz: CHGNet 0.3.0's crystal feature vector
(`predict_structure(..., return_crystal_feas=True)["crystal_fea"]`: the sum over atoms of the
atom features after the last interaction block and the readout LayerNorm, 64 numbers), the energy
per atom and the magnetic moments of fixture structures. Kiln's structure-feature models
(Properties.CHGNetDescriptor) are built on the same vectors.

Versions used for the committed fixture: chgnet 0.4.2 with the CHGNet 0.3.0 model
(`CHGNet.load(model_name="0.3.0", use_device="cpu")`), pymatgen 2026.10.24, torch 2.15.0 on CPU.

Structures: the distinct structures of Tests/Fixtures/structures.json.gz with real species (those
chgnet.json marks `real`, not the spglib dummy rule), all Z <= 94 and at most 24 sites, in order of (number of sites, id), at most
two of each number of sites, up to 30 (26 in the committed file).

Usage: python scripts/make_chgnet_features_fixture.py [Tests/Fixtures/chgnet_features.json.gz]
"""

import gzip
import json
import sys

import chgnet
import torch
from chgnet.model import CHGNet
from pymatgen.core import Lattice, Structure

torch.set_num_threads(1)


def main(out="Tests/Fixtures/chgnet_features.json.gz"):
    with gzip.open("Tests/Fixtures/structures.json.gz", "rt") as f:
        records = json.load(f)["structures"]
    with gzip.open("Tests/Fixtures/chgnet.json.gz", "rt") as f:
        real = {r["id"] for r in json.load(f)["results"] if r["species_assignment"] == "real"}
    model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
    seen, candidates = set(), []
    for r in sorted(records, key=lambda r: (r["n_sites"], r["id"])):
        s = r["structure"]
        key = json.dumps(s, sort_keys=True)
        if r["n_sites"] > 24 or r["id"] not in real or key in seen:
            continue
        seen.add(key)
        st = Structure(Lattice(s["lattice"]), s["species"], s["frac_coords"])
        if not st.is_ordered or any(e.Z > 94 for e in st.composition.elements):
            continue
        candidates.append((r["id"], st))
    results = []
    per_size = {}
    picked = [c for c in candidates if per_size.setdefault(len(c[1]), []).append(c) or len(per_size[len(c[1])]) <= 2][:30]
    for rid, st in picked:
        p = model.predict_structure(st, task="em", return_crystal_feas=True)
        results.append({"id": rid, "n_sites": len(st), "energy_per_atom": float(p["e"]),
                        "magmoms": [float(m) for m in p["m"]], "crystal_fea": [float(x) for x in p["crystal_fea"]]})
        print(rid, len(st), float(p["e"]), file=sys.stderr)
    meta = {"generator": "scripts/make_chgnet_features_fixture.py", "chgnet": chgnet.__version__, "model": "0.3.0",
            "torch": torch.__version__,
            "call": "CHGNet.load(model_name='0.3.0').predict_structure(s, task='em', return_crystal_feas=True)"}
    with gzip.open(out, "wt") as f:
        json.dump({"meta": meta, "results": results}, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
