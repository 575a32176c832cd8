#!/usr/bin/env python3
"""Builds Sources/Synthesis/Resources/gases.csv, the gas-phase energies of `kiln precursors` (run from
the repository root):

    venv/bin/python scripts/build_precursor_gases.py

Each gas gets its Gibbs energy of formation ΔfG(T) (eV per molecule) at 300 to 2000 K every 100 K,
copied from the NIST-JANAF table pymatgen ships (analysis/compatibility/data/nist_gas_gf.json, the
table GibbsComputedStructureEntry and the reaction-network tooling take gases from; O2, N2 and H2
are elements, ΔfG = 0), and an offset that
puts the gas on the bundled MP formation-energy scale: legacy MP binds carbonates, hydroxides and
nitrates more strongly than experiment, relative to their oxides, by a nearly constant amount per
CO2, H2O or NO2 released. The offset is the median over salt/oxide pairs of

    (E_MP(salt) - E_exp(salt)) - (E_MP(oxide) - E_exp(oxide)), per gas molecule released,

with E_MP the lowest bundled formation energy of the formula (eV per formula unit) and E_exp the
experimental formation enthalpy from pymatgen's analysis/compatibility/exp_compounds.json.gz
(the data MP's own correction fits use). Gases without such pairs (O2, N2, H2, NH3) get 0.
Sources and licences are in NOTICE; docs/synthesis.md explains the use.
"""
import csv, gzip, io, json, os, statistics

import pymatgen.core
from pymatgen.core import Composition

# The gases of the precursor list, each with its key in nist_gas_gf.json (None: an element, ΔfG = 0).
GASES = {"O2": None, "N2": None, "H2": None, "CO2": "CO2", "H2O": "H2O", "NO2": "NO2", "NH3": "H3N"}
TEMPERATURES = list(range(300, 2001, 100))
PAIRS = {
    "CO2": [("Li2CO3", "Li2O", 1), ("Na2CO3", "Na2O", 1), ("K2CO3", "K2O", 1), ("MgCO3", "MgO", 1), ("CaCO3", "CaO", 1),
            ("SrCO3", "SrO", 1), ("BaCO3", "BaO", 1), ("MnCO3", "MnO", 1), ("FeCO3", "FeO", 1), ("ZnCO3", "ZnO", 1),
            ("CdCO3", "CdO", 1), ("PbCO3", "PbO", 1), ("Ag2CO3", "Ag2O", 1), ("CoCO3", "CoO", 1), ("NiCO3", "NiO", 1)],
    "H2O": [("LiOH", "Li2O", 2), ("NaOH", "Na2O", 2), ("KOH", "K2O", 2), ("Mg(OH)2", "MgO", 1), ("Ca(OH)2", "CaO", 1),
            ("Sr(OH)2", "SrO", 1), ("Ba(OH)2", "BaO", 1), ("Zn(OH)2", "ZnO", 1), ("Ni(OH)2", "NiO", 1),
            ("Co(OH)2", "CoO", 1), ("Mn(OH)2", "MnO", 1), ("Cu(OH)2", "CuO", 1), ("Cd(OH)2", "CdO", 1)],
    "NO2": [("LiNO3", "Li2O", 2), ("NaNO3", "Na2O", 2), ("KNO3", "K2O", 2), ("Mg(NO3)2", "MgO", 1), ("Ca(NO3)2", "CaO", 1),
            ("Sr(NO3)2", "SrO", 1), ("Ba(NO3)2", "BaO", 1), ("Pb(NO3)2", "PbO", 1), ("AgNO3", "Ag2O", 2),
            ("Zn(NO3)2", "ZnO", 1), ("Cd(NO3)2", "CdO", 1)],
}
GAS_ELEMENT = {"CO2": "C", "H2O": "H", "NO2": "N"}  # counts molecules released per salt
PER_MOLECULE = {"CO2": 1, "H2O": 2, "NO2": 1}

def lowest_mp_entries():
    """Reduced formula -> (lowest bundled MP formation energy per atom, reduced composition)."""
    lowest = {}
    with gzip.open("Sources/ReferenceData/Resources/mp_reference.csv.gz", "rt") as f:
        for row in csv.DictReader(f):
            try:
                c = Composition(row["formula"])
            except Exception:
                continue
            e = float(row["formation_energy_per_atom"])
            if e < lowest.get(c.reduced_formula, (float("inf"),))[0]:
                lowest[c.reduced_formula] = (e, c.reduced_composition)
    return lowest


def main():
    root = os.path.dirname(os.path.dirname(pymatgen.core.__file__))
    gf = json.load(open(os.path.join(root, "analysis/compatibility/data/nist_gas_gf.json")))

    exp = {Composition(x["formula"]).reduced_formula: x["exp energy"]
           for x in json.load(gzip.open(os.path.join(root, "analysis/compatibility/exp_compounds.json.gz")))}
    mp = {k: e * c.num_atoms for k, (e, c) in lowest_mp_entries().items()}  # eV per reduced formula unit

    offsets = {}
    for gas, pairs in PAIRS.items():
        values = []
        for salt, oxide, n in pairs:
            s, o = Composition(salt).reduced_formula, Composition(oxide).reduced_formula
            if all(k in exp and k in mp for k in (s, o)):
                molecules = n * Composition(salt)[GAS_ELEMENT[gas]] / PER_MOLECULE[gas]
                values.append((n * (mp[s] - exp[s]) - (mp[o] - exp[o])) / molecules)
        offsets[gas] = (statistics.median(values), len(values), statistics.pstdev(values))
        print(f"{gas}: offset {offsets[gas][0]:.3f} eV over {len(values)} pairs (sd {offsets[gas][2]:.3f})")

    out = io.StringIO()
    out.write("# Gases that leave (or, for O2, enter) solid-state reactions. mp_offset_eV: the shift onto the bundled MP\n"
              "# scale (median over salt/oxide pairs; `pairs` of them, spread `sd_eV`). 300..2000: Gibbs energy of formation\n"
              "# at 1 bar and that temperature (K), eV per molecule, NIST-JANAF (Chase 1998) via pymatgen's nist_gas_gf.json.\n"
              "# Built by scripts/build_precursor_gases.py; docs/synthesis.md, NOTICE.\n")
    out.write(",".join(["formula", "mp_offset_eV", "pairs", "sd_eV"] + [str(t) for t in TEMPERATURES]) + "\n")
    for gas, key in GASES.items():
        off, n, sd = offsets.get(gas, (0.0, 0, 0.0))
        g = [gf[key][str(t)] if key else 0.0 for t in TEMPERATURES]
        out.write(",".join([gas, f"{off:.3f}", str(n), f"{sd:.3f}"] + [f"{x:.6f}" for x in g]) + "\n")
    open("Sources/Synthesis/Resources/gases.csv", "w").write(out.getvalue())


if __name__ == "__main__":
    main()
