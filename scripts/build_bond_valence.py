#!/usr/bin/env python3
"""Builds Sources/Analysis/Resources/bond_valence.json from pymatgen's bond-valence data.

Inputs (../shared/data/elemental/pymatgen, copied from pymatgen 2026.10.24, MIT):
  bvparam_1991.yaml  element r and c of O'Keefe & Brese, JACS 113, 3226 (1991)
  icsd_bv.yaml       ICSD bond-valence-sum mean and std per species, and species occurrence counts

Output: {"params": {"Fe": [r, c], ...},
         "species": [["Ag", 1, mean, std, occurrence], ...]}  (file order of icsd_bv.yaml's bvsum,
which is the order BVAnalyzer iterates; species with oxidation state 0 are kept as pymatgen reads them.)
Usage: python3 scripts/build_bond_valence.py [DATA_DIR]
"""
import json
import re
import sys
from pathlib import Path

import yaml

root = Path(__file__).resolve().parent.parent
data = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/data/elemental/pymatgen"
params = yaml.safe_load((data / "bvparam_1991.yaml").read_text())
icsd = yaml.safe_load((data / "icsd_bv.yaml").read_text())


def species(text):
    """'Fe2+' -> ('Fe', 2), 'O2-' -> ('O', -2), 'Ag+' -> ('Ag', 1), 'Ag0+' -> ('Ag', 0)."""
    m = re.fullmatch(r"([A-Z][a-z]?)(\d*)([+-])", text)
    sym, n, sign = m.groups()
    v = int(n) if n else 1
    return sym, v if sign == "+" else -v


out = {
    "params": {el: [v["r"], v["c"]] for el, v in params.items()},
    "species": [[*species(sp), d["mean"], d["std"], icsd["occurrence"][sp]] for sp, d in icsd["bvsum"].items()],
}
dest = root / "Sources/Analysis/Resources/bond_valence.json"
dest.write_text(json.dumps(out, separators=(",", ":")) + "\n")
print(f"wrote {dest}: {len(out['params'])} elements, {len(out['species'])} species")
