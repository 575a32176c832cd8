#!/usr/bin/env python3
"""Checks the shelf energies of `kiln precursors --list` against pymatgen's
GrandPotentialPhaseDiagram (run from the repository root after a release build):

    MP_STRUCTURES=PATH venv/bin/python scripts/check_shelf_stability.py

For every bundled precursor, rebuilds its chemical system in dry air at 300 K as docs/synthesis.md
("Shelf stability") describes, with the energies of scripts/precursor_thermo.py: MP's solids at
ΔH_f + G^δ(300 K) (its molecular solids of the gases and its solid O, N, H left out), H2O at
0.016 bar, N2 at 0.78 and H2 at 1 bar as phases, O and C open at the chemical potentials of O2 at
0.21 bar and CO2 at 420 ppm. Takes pymatgen's energy above the grand-potential hull (per atom of
the closed elements), converts it to per cation (atoms other than C, H, N, O) and prints it beside
Kiln's with the largest difference. KILN=PATH runs another kiln binary; MP_STRUCTURES as in
precursor_thermo.py.
"""
import json, math, os, subprocess, warnings

warnings.filterwarnings("ignore")
from pymatgen.analysis.phase_diagram import GrandPotentialPhaseDiagram, GrandPotPDEntry, PDEntry
from pymatgen.core import Composition, Element

import precursor_thermo
from precursor_thermo import ground

T, KT = 300.0, 8.617333262e-5 * 300.0
PRESSURES = {"O2": 0.21, "CO2": 4.2e-4, "H2O": 0.016, "N2": 0.78, "H2": 1.0}
VOLATILE = {Element(x) for x in ("C", "H", "N", "O")}
gases = precursor_thermo.gases(T)
mu = {g: gases[g][1] + KT * math.log(p) for g, p in PRESSURES.items()}
mu_o = mu["O2"] / 2
chempots = {Element("O"): mu_o, Element("C"): mu["CO2"] - 2 * mu_o}

listed = json.loads(subprocess.run([os.environ.get("KILN", ".build/release/kiln"), "precursors", "--list", "--json"],
                                   capture_output=True, text=True, check=True).stdout)
worst, count = 0.0, 0
for p in listed:
    c = Composition(p["formula"])
    key = c.reduced_formula
    cations = sum(n for el, n in c.items() if el not in VOLATILE)
    if p["shelf_energy_per_cation"] is None or key not in ground:
        print(f"{p['formula']:12s} kiln -  (not placed)")
        continue
    closed = set(c.elements) - set(chempots)
    allowed = closed | set(chempots)
    entries = [PDEntry(rc, precursor_thermo.gibbs(rc, e, T) * rc.num_atoms, name=k) for k, (e, rc) in ground.items()
               if set(rc.elements) <= allowed and k not in gases and not (len(rc.elements) == 1 and rc.elements[0] in VOLATILE)]
    entries += [PDEntry(gases[g][0], mu[g], name="gas:" + g) for g in ("H2O", "N2", "H2") if set(gases[g][0].elements) <= allowed]
    gpd = GrandPotentialPhaseDiagram(entries, chempots)
    own = next(e for e in entries if e.name == key)
    above = gpd.get_e_above_hull(GrandPotPDEntry(own, chempots))  # per closed atom
    closed_atoms = sum(n for el, n in own.composition.items() if el in closed)
    per_cation = above * closed_atoms / (cations * own.composition.num_atoms / c.num_atoms)
    d = abs(per_cation - p["shelf_energy_per_cation"])
    worst, count = max(worst, d), count + 1
    print(f"{p['formula']:12s} kiln {p['shelf_energy_per_cation']:7.3f}  pymatgen {per_cation:7.3f}")
print(f"{count} precursors; largest difference {worst:.4f} eV per cation")
