"""Reference answers for Kiln's CrystalNN and CrystalNNFingerprint("ops") from pymatgen/matminer.

Reads Tests/Fixtures/structures.json.gz (copied from ../shared/fixtures) and writes
Tests/Fixtures/crystalnn.json.gz: for every ordered structure with at most 48 sites, per site
CrystalNN().get_nn_data weights (CN -> weight, and each neighbour's site index, image and
weight) and matminer's CrystalNNFingerprint.from_preset("ops") vector; or the error raised.

Run: venv/bin/python scripts/reference_crystalnn.py   (pymatgen, matminer installed)
"""
import gzip
import json
import sys
import warnings
from importlib.metadata import version

import numpy as np
from matminer.featurizers.site.fingerprint import CrystalNNFingerprint
from pymatgen.core import Lattice, Structure
from pymatgen.core.local_env import CrystalNN

warnings.filterwarnings("ignore")
MAX_SITES = 48


def main(src="Tests/Fixtures/structures.json.gz", out="Tests/Fixtures/crystalnn.json.gz"):
    data = json.load(gzip.open(src))
    cnn = CrystalNN()
    fp = CrystalNNFingerprint.from_preset("ops")
    cases = []
    for row in data["structures"]:
        s = row["structure"]
        if len(s["species"]) > MAX_SITES or not all(isinstance(x, str) for x in s["species"]):
            continue
        st = Structure(Lattice(s["lattice"]), s["species"], s["frac_coords"])
        case = {"id": row["id"]}
        try:
            sites = []
            for i in range(len(st)):
                d = cnn.get_nn_data(st, i)
                nn = [[int(e["site_index"]), [int(v) for v in e["image"]], float(e["weight"])] for e in d.all_nninfo]
                sites.append({
                    "cn_weights": {str(k): v for k, v in d.cn_weights.items()},
                    "neighbors": nn,
                    "fingerprint": [float(f"{v:.13g}") for v in fp.featurize(st, i)],
                })
            case["sites"] = sites
        except Exception as e:  # recorded: Kiln must fail on the same structures
            case["error"] = f"{type(e).__name__}: {e}"
        cases.append(case)
        print(row["id"], "error" if "error" in case else len(case["sites"]), file=sys.stderr)
    meta = {"generator": "scripts/reference_crystalnn.py", "pymatgen": version("pymatgen"),
            "matminer": version("matminer"), "numpy": np.__version__,
            "settings": "CrystalNN() defaults; CrystalNNFingerprint.from_preset('ops')"}
    with gzip.open(out, "wt") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main(*sys.argv[1:])
