#!/usr/bin/env python3
"""Builds Sources/Synthesis/Resources/element_gibbs.csv, the elements' Gibbs energies G(T) - H(298 K)
(eV/atom, 300-2000 K every 100 K) that `kiln precursors` uses as the elemental references of the
Bartel et al. (2018) solid Gibbs energies (run from the repository root):

    venv/bin/python scripts/build_element_gibbs.py

The numbers are pymatgen's analysis/compatibility/data/g_els.json (MIT, (c) pymatgen developers), the
table its GibbsComputedStructureEntry subtracts (Bartel et al., Nat. Commun. 9, 4168 (2018),
experimental elemental Gibbs energies), rounded to 1e-6 eV. Sources and licences are in NOTICE.
"""
import json
import os

import pymatgen.analysis.compatibility as compat

src = os.path.join(os.path.dirname(compat.__file__), "data", "g_els.json")
table = json.load(open(src))
temps = sorted(table, key=int)
elements = sorted(set.intersection(*(set(table[t]) for t in temps)))
out = "Sources/Synthesis/Resources/element_gibbs.csv"
with open(out, "w") as f:
    f.write("# Elemental Gibbs energies G(T) - H(298 K), eV/atom, from pymatgen analysis/compatibility/data/g_els.json\n")
    f.write("# (Bartel et al., Nat. Commun. 9, 4168 (2018)). Built by scripts/build_element_gibbs.py; NOTICE.\n")
    f.write(",".join(["element"] + temps) + "\n")
    for el in elements:
        f.write(",".join([el] + [f"{table[t][el]:.6f}" for t in temps]) + "\n")
print(f"{out}: {len(elements)} elements, {temps[0]}-{temps[-1]} K")
