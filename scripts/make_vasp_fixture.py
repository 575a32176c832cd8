"""Reference answers for Kiln's VASP input set: pymatgen's MPRelaxSet (INCAR, KPOINTS, POSCAR
species order, POTCAR symbols) for the ordered fixture structures (Tests/Fixtures/structures.json.gz).
Writes Tests/Fixtures/vasp_mprelaxset.json.gz. Run: python scripts/make_vasp_fixture.py (pymatgen installed)."""
import gzip, importlib.metadata, json, os, warnings
import pymatgen
from pymatgen.core import Lattice, Structure
from pymatgen.io.vasp.sets import MPRelaxSet

warnings.filterwarnings("ignore")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = json.load(gzip.open(os.path.join(root, "Tests/Fixtures/structures.json.gz")))["structures"]
cases = []
for f in src:
    s = f["structure"]
    if any("," in sp or ":" in sp for sp in s["species"]) or f["n_sites"] > 40:
        continue
    try:
        st = Structure(Lattice(s["lattice"]), s["species"], s["frac_coords"])
        vis = MPRelaxSet(st)
        incar = {k: v for k, v in vis.incar.items()}
        kp = vis.kpoints
        poscar = vis.poscar
        cases.append({"id": f["id"], "structure": s, "incar": incar, "kpoints": {"style": kp.style.name, "grid": list(kp.kpts[0])},
                      "symbols": poscar.site_symbols, "counts": poscar.natoms, "potcar": vis.potcar_symbols})
    except Exception as e:  # an element MPRelaxSet has no POTCAR for, say
        print("skipped", f["id"], e)
json.dump({"meta": {"pymatgen": importlib.metadata.version("pymatgen"), "set": "MPRelaxSet"}, "cases": cases},
          gzip.open(os.path.join(root, "Tests/Fixtures/vasp_mprelaxset.json.gz"), "wt"), indent=0)
print(len(cases), "cases")
