"""Kiln's precursor-route energies rebuilt in pymatgen, shared by the check scripts
(check_precursor_competition.py, check_shelf_stability.py); docs/synthesis.md, "Energies".

Solids: the lowest bundled MP entry of each reduced formula at ΔH_f + G^δ(T) from pymatgen's
GibbsComputedStructureEntry functions, elements at their G(T) − H(298 K) (pymatgen's G_ELEMS).
Gases: pymatgen's ΔfG(T) table G_GASES on the elements' G(T), plus the MP offsets of
Sources/Synthesis/Resources/gases.csv. Volumes per atom: the lowest-energy structure of each
reduced formula in MP_STRUCTURES (the JSON lines of the 36,737 legacy MP structures Kiln bundles,
../shared/data/structures/mp_cgcnn36k.jsonl.gz), by the rule of Kiln's `VolumeTable`.
"""
import csv, gzip, json, os, types

import numpy as np
from pymatgen.analysis.compatibility.computed_entries import G_ELEMS, G_GASES, GibbsComputedStructureEntry
from pymatgen.core import Composition

from build_precursor_gases import lowest_mp_entries

ground = lowest_mp_entries()

_best = {}
with gzip.open(os.environ["MP_STRUCTURES"], "rt") as f:
    for line in f:
        r = json.loads(line)
        c = Composition("".join(r["species"]))
        k, e = c.reduced_formula, r["formation_energy_per_atom"]
        if k not in _best or e < _best[k][0]:
            _best[k] = (e, c, abs(np.linalg.det(np.array(r["lattice"]))) / len(r["species"]))
_volumes = {k: v for k, (_, _, v) in _best.items()}
_compounds = [(c.fractional_composition, v) for _, c, v in _best.values() if len(c.elements) > 1]
_median = sorted(v for _, v in _compounds)[len(_compounds) // 2]


def volume(c):
    """Volume per atom: the formula's own structure, else the nearest composition in its elements."""
    if c.reduced_formula in _volumes:
        return _volumes[c.reduced_formula]
    own, found = c.fractional_composition, None
    for frac, v in _compounds:
        if set(frac.elements) <= set(own.elements):
            d = sum(abs(own[el] - frac[el]) for el in own.elements)
            if found is None or d < found[0]:
                found = (d, v)
    return found[1] if found else _median


def elements(T):
    return dict(G_ELEMS[str(int(T))])


def gibbs(c, e, T):
    """Gibbs energy per atom at T, elements at H(298 K) = 0 (Kiln's SolidGibbs)."""
    if len(c.elements) == 1:
        return elements(T)[c.elements[0].symbol]
    m = GibbsComputedStructureEntry._reduced_mass(types.SimpleNamespace(composition=c))
    return e + GibbsComputedStructureEntry._g_delta_sisso(volume(c), m, T)


def gases(T):
    """Reduced formula -> (composition, G per formula unit at T and 1 bar, on the solids' scale)."""
    ref, out = elements(T), {}
    with open("Sources/Synthesis/Resources/gases.csv") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            c = Composition(row["formula"])
            formation = G_GASES.get(c.get_integer_formula_and_factor()[0], {}).get(str(int(T)), 0.0)
            out[c.reduced_formula] = (c, formation + sum(n * ref[el.symbol] for el, n in c.items()) + float(row["mp_offset_eV"]))
    return out
