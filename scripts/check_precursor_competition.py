#!/usr/bin/env python3
"""Checks `kiln precursors` against pymatgen's InterfacialReactivity (run from the repository root
after a release build):

    MP_STRUCTURES=PATH venv/bin/python scripts/check_precursor_competition.py [TARGET…]

For the top routes of each target (default LiMn2O4 BaTiO3 LiCoO2 SrTiO3, at 1000 K), rebuilds each
pair's interface hull as docs/synthesis.md describes (the lowest bundled MP entry of each formula in
the pair's system at its Gibbs energy ΔH_f + G^δ(T) from pymatgen's GibbsComputedStructureEntry
functions, MP's molecular solids of the gases and the pure O, N and H phases replaced by the gases at T:
pymatgen's own ΔfG(T) table G_GASES plus the elements' G_ELEMS, with the MP offsets of
Sources/Synthesis/Resources/gases.csv; the target likewise), takes pymatgen's
exact kinks along the mixing line, and compares the competing phases and the depth with Kiln's,
which samples the line. Prints one line per route and the largest depth difference. KILN=PATH
runs another kiln binary. MP_STRUCTURES is the JSON-lines file of the 36,737 legacy MP structures
Kiln bundles (one object per line with formula, lattice, species, formation_energy_per_atom): the
volumes per atom come from it, by the rule of Kiln's `VolumeTable`.
"""
import csv, gzip, itertools, json, os, subprocess, sys, types, warnings

warnings.filterwarnings("ignore")
import numpy as np
from pymatgen.analysis.compatibility.computed_entries import G_ELEMS, G_GASES, GibbsComputedStructureEntry
from pymatgen.analysis.interface_reactions import InterfacialReactivity
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition

from build_precursor_gases import lowest_mp_entries

T = 1000.0
targets = sys.argv[1:] or ["LiMn2O4", "BaTiO3", "LiCoO2", "SrTiO3"]

ground = lowest_mp_entries()
ref = {el: G_ELEMS[str(int(T))][el] for el in G_ELEMS[str(int(T))]}
gases = {}
with open("Sources/Synthesis/Resources/gases.csv") as f:
    for row in csv.DictReader(line for line in f if not line.startswith("#")):
        c = Composition(row["formula"])
        formation = G_GASES.get(c.get_integer_formula_and_factor()[0], {}).get(str(int(T)), 0.0)
        g = formation + sum(n * ref[el.symbol] for el, n in c.items()) + float(row["mp_offset_eV"])
        gases[c.reduced_formula] = (c, g)
gas_elements = {c.elements[0] for c, _ in gases.values() if len(c.elements) == 1}

# Volumes per atom: the lowest-energy structure of each reduced formula.
best = {}
with gzip.open(os.environ["MP_STRUCTURES"], "rt") as f:
    for line in f:
        r = json.loads(line)
        c = Composition("".join(r["species"]))
        k, e = c.reduced_formula, r["formation_energy_per_atom"]
        if k not in best or e < best[k][0]:
            best[k] = (e, c, abs(np.linalg.det(np.array(r["lattice"]))) / len(r["species"]))
volumes = {k: v for k, (_, _, v) in best.items()}
compounds = [(c.fractional_composition, v) for _, c, v in best.values() if len(c.elements) > 1]
median = sorted(v for _, v in compounds)[len(compounds) // 2]


def volume(c):
    if c.reduced_formula in volumes:
        return volumes[c.reduced_formula]
    own, found = c.fractional_composition, None
    for frac, v in compounds:
        if set(frac.elements) <= set(own.elements):
            d = sum(abs(own[el] - frac[el]) for el in own.elements)
            if found is None or d < found[0]:
                found = (d, v)
    return found[1] if found else median


def gibbs(c, e):
    """Gibbs energy per atom at T, elements at H(298 K) = 0 (Kiln's SolidGibbs)."""
    if len(c.elements) == 1:
        return ref[c.elements[0].symbol]
    m = GibbsComputedStructureEntry._reduced_mass(types.SimpleNamespace(composition=c))
    return e + GibbsComputedStructureEntry._g_delta_sisso(volume(c), m, T)



def interface(a, b, target):
    system = set(a.elements) | set(b.elements)
    entries = [PDEntry(c, gibbs(c, e) * c.num_atoms, name=k) for k, (e, c) in ground.items()
               if set(c.elements) <= system and k not in gases and not (len(c.elements) == 1 and c.elements[0] in gas_elements)
               and k != target.reduced_formula]
    entries += [PDEntry(c, g, name=k) for k, (c, g) in gases.items() if set(c.elements) <= system]
    if set(target.elements) <= system:
        e, _ = ground[target.reduced_formula]
        entries.append(PDEntry(target, gibbs(target, e) * target.num_atoms, name=target.reduced_formula))
    for c in (a, b):  # the reactants at their own energies (pymatgen looks them up by formula)
        k = c.reduced_formula
        if k not in gases and not any(x.name == k for x in entries):
            e, rc = ground[k]
            entries.append(PDEntry(rc, gibbs(rc, e) * rc.num_atoms, name=k))
    pd = PhaseDiagram(entries)
    found = {}
    excluded = set(gases) | {a.reduced_formula, b.reduced_formula, target.reduced_formula}
    for kink in InterfacialReactivity(a, b, pd, norm=True, use_hull_energy=False).get_kinks():
        energy, reaction = kink[2], kink[3]
        for p in reaction.products:
            k = p.reduced_formula
            if k not in excluded:
                found[k] = min(found.get(k, 0.0), energy)
    return found


worst = 0.0
for target in targets:
    routes = json.loads(subprocess.run([os.environ.get("KILN", ".build/release/kiln"), "precursors", target, "--top", "10", "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    tc = Composition(target)
    for r in routes:
        reactants = [Composition(p["formula"]) for p in r["precursors"]] + ([Composition("O2")] if r["oxygen_consumed"] > 0 else [])
        best = {}
        for a, b in itertools.combinations(reactants, 2):
            for k, e in interface(a, b, tc).items():
                if e < r["reaction_energy_per_atom"] - 1e-6:
                    best[k] = min(best.get(k, 0.0), e)
        depth = r["reaction_energy_per_atom"] - min(best.values()) if best else 0.0
        same = set(best) == {Composition(p).reduced_formula for p in r["competing_phases"]}
        worst = max(worst, abs(depth - r["competition_depth"]))
        print(f"{r['equation']:60s} depth kiln {r['competition_depth']:.3f} pymatgen {depth:.3f}"
              f"  phases {'same' if same else 'DIFFER: kiln ' + ','.join(r['competing_phases']) + ' pymatgen ' + ','.join(sorted(best))}")
print(f"largest depth difference {worst:.4f} eV/atom")
