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
Kiln bundles (../shared/data/structures/mp_cgcnn36k.jsonl.gz): the volumes per atom come from it,
by the rule of Kiln's `VolumeTable` (scripts/precursor_thermo.py).
"""
import itertools, json, os, subprocess, sys, warnings

warnings.filterwarnings("ignore")
from pymatgen.analysis.interface_reactions import InterfacialReactivity
from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition

import precursor_thermo
from precursor_thermo import ground

T = 1000.0
targets = sys.argv[1:] or ["LiMn2O4", "BaTiO3", "LiCoO2", "SrTiO3"]
gases = precursor_thermo.gases(T)
gas_elements = {c.elements[0] for c, _ in gases.values() if len(c.elements) == 1}


def gibbs(c, e):
    return precursor_thermo.gibbs(c, e, T)


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
