#!/usr/bin/env python3
"""Writes Tests/Fixtures/bond_valence.json.gz: pymatgen's BVAnalyzer answers on public
structures (pymatgen test files, MIT), for Kiln's BondValenceAnalyzer test.

Each case: {"id", "structure": {lattice, species, frac_coords}, "valences": [int per site] or null,
"error": pymatgen's message or null}. Default BVAnalyzer settings (symm_tol 0.1, max_radius 4,
distance_scale_factor 1.015). pymatgen 2026.10.24 (`pip install pymatgen`).
Usage: python3 scripts/make_bond_valence_fixture.py [TEST_STRUCTURES_DIR]
"""
import gzip
import json
import sys
import warnings
from pathlib import Path

from pymatgen.analysis.bond_valence import BVAnalyzer
from pymatgen.core import Structure

warnings.filterwarnings("ignore")
root = Path(__file__).resolve().parent.parent
src = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared/data/test_structures/pymatgen"
files = [
    "cif/Li2O.cif", "cif/Fe3O4.cif", "cif/LiFePO4.cif", "cif/FePO4.cif", "cif/V2O3.cif", "cif/La2CoO4.cif",
    "cif/MgNiF6.cif", "cif/CuCl.cif", "cif/CsSnI3.cif", "cif/CoO19128.cif", "cif/Li8Fe2NiCoO8.cif",
    "structure_json/BaNiO3.json", "structure_json/SrTiO3.json", "structure_json/TiO2.json",
    "structure_json/VO2.json", "structure_json/SiO2.json", "structure_json/K2O2.json",
    "structure_json/Li2O2.json", "structure_json/TlBiSe2.json", "structure_json/Li3V2(PO4)3.json",
    "structure_json/CsCl.json", "structure_json/Na2Fe2PAsO4S4.json", "structure_json/Al3F9.json",
    "structure_json/Si.json", "structure_json/He_BCC.json", "poscar/POSCAR_MnO", "poscar/POSCAR_Al12O18",
]
cases = []
for name in files:
    path = src / name
    s = Structure.from_file(path) if path.suffix != ".json" else Structure.from_dict(json.loads(path.read_text()))
    s.remove_oxidation_states()
    if not s.is_ordered:
        continue
    try:
        valences, error = [int(v) for v in BVAnalyzer().get_valences(s)], None
    except ValueError as e:
        valences, error = None, str(e)
    cases.append({
        "id": Path(name).name,
        "structure": {"lattice": s.lattice.matrix.tolist(), "species": [site.specie.symbol for site in s],
                      "frac_coords": s.frac_coords.tolist()},
        "valences": valences,
        "error": error,
    })
    print(f"{Path(name).name:28s} {s.composition.reduced_formula:14s} {len(s):3d} sites  {valences if valences else error}")
dest = root / "Tests/Fixtures/bond_valence.json.gz"
dest.write_bytes(gzip.compress((json.dumps(cases) + "\n").encode(), mtime=0))
print(f"wrote {dest}: {len(cases)} cases")
