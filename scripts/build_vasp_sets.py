"""Builds Sources/DFT/Resources/mp_relax_set.json from pymatgen's MPRelaxSet.yaml and
VASPIncarBase.yaml (pymatgen, MIT licence): the INCAR settings, the +U tables keyed by the most
electronegative element, default MAGMOMs, POTCAR symbols and the k-point density. Run with pymatgen installed."""
import json, os
from monty.serialization import loadfn
import pymatgen.io.vasp as vasp

folder = os.path.dirname(vasp.__file__)
relax = loadfn(os.path.join(folder, "MPRelaxSet.yaml"))
base = loadfn(os.path.join(folder, "VASPIncarBase.yaml"))
incar = dict(relax["INCAR"])
out = {
    "source": "pymatgen MPRelaxSet.yaml + VASPIncarBase.yaml",
    "incar": {k: v for k, v in incar.items() if k not in ("LDAUU", "LDAUJ", "LDAUL", "EDIFF_PER_ATOM", "MAGMOM")},
    "ediff_per_atom": incar["EDIFF_PER_ATOM"],
    "ldau": {anion: {"U": incar["LDAUU"][anion], "J": incar["LDAUJ"][anion], "L": incar["LDAUL"][anion]} for anion in incar["LDAUU"]},
    "magmom": {k: v for k, v in base["INCAR"]["MAGMOM"].items() if not any(c.isdigit() for c in k)},
    "potcar": relax["POTCAR"],
    "reciprocal_density": relax["KPOINTS"]["reciprocal_density"],
}
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
json.dump(out, open(os.path.join(root, "Sources/DFT/Resources/mp_relax_set.json"), "w"), indent=1, sort_keys=True)
print(sorted(out["incar"]))
