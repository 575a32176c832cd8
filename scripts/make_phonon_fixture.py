"""Write Tests/Fixtures/phonons.json.gz: phonon frequencies of fixture structures from phonopy with
CHGNet 0.3.0 as the force calculator, for Kiln's finite-displacement phonons (Sources/Dynamics).

Versions used for the committed fixture: see "meta" in the file (phonopy, chgnet, torch, ase).

Structures: the CHGNet-relaxed structures of Tests/Fixtures/elastic_eos.json.gz listed in PICKED (real
crystals of every crystal system but triclinic), rock-salt NaCl, and the ideal cubic perovskites SrTiO3
and CaTiO3 built here (CaTiO3 is orthorhombic in nature: its cubic form has octahedral-tilt modes of
imaginary frequency, the dynamically unstable case). Each is first relaxed again with CHGNet (ASE FIRE,
FrechetCellFilter, fmax 1e-3 eV/Å, at most 3000 steps) under ASE's FixSymmetry, so the space group
is kept exactly; the relaxed structure is what the fixture records and what both sides use.

Phonons (phonopy's defaults unless said): supercell = the smallest diagonal one whose perpendicular
widths are all ≥ 10 Å (Kiln's default rule), symprec 1e-3, displacements of 0.01 Å with
is_plusminus="auto"; the forces of the undisplaced supercell are subtracted from every displaced
supercell's forces (phonopy's --fz); produce_force_constants(), then symmetrize_force_constants();
masses are pymatgen's (Kiln's element table) so both sides use the same; primitive_matrix is the
identity (phonopy 4 otherwise picks a primitive cell of its own, whose reciprocal basis the q-points
would then be in). Frequencies in THz at the
band-path corners Γ, X (½,0,0), S (½,½,0), Y (0,½,0), Z (0,0,½), R (½,½,½) and two general points, in
reduced coordinates of the unit cell's reciprocal lattice; and the lowest frequency on the
Γ-centred mesh max(4, 2·n) per axis (n the supercell repetitions).

Usage: python scripts/make_phonon_fixture.py [Tests/Fixtures/phonons.json.gz]
"""

import gzip
import json
import math
import sys
import time
import warnings

import numpy as np
import torch
from ase import Atoms
from ase.constraints import FixSymmetry
from ase.filters import FrechetCellFilter
from ase.optimize import FIRE
from chgnet.model import CHGNet
from chgnet.model.dynamics import CHGNetCalculator
from phonopy import Phonopy
import phonopy
import chgnet
import ase
from phonopy.structure.atoms import PhonopyAtoms
from pymatgen.core import Element

PICKED = [
    "pmg-cif:Li", "pmg-cif:Be_mp-87_conventional_standard", "pmg-json:Si", "pmg-poscar:POSCAR.lobster.nonspin_DOS",
    "spglib:layer/POSCAR-78", "spglib:tetragonal/POSCAR-131", "pmg-cif:rhomb_3478", "pmg-json:Al3F9",
    "pmg-cif:CoO19128", "pmg-poscar:POSCAR_C2",
]
Q_POINTS = {"Γ": [0, 0, 0], "X": [0.5, 0, 0], "S": [0.5, 0.5, 0], "Y": [0, 0.5, 0], "Z": [0, 0, 0.5],
            "R": [0.5, 0.5, 0.5], "A": [0.1, 0.2, 0.3], "B": [0.25, 0, 0.125]}


def size_for(cell, minimum=10.0):
    widths = 1 / np.linalg.norm(np.linalg.inv(cell).T, axis=1)
    return [max(1, math.ceil(minimum / w - 1e-9)) for w in widths]


def built():
    nacl = ("built:NaCl-rocksalt", [[0, 2.82, 2.82], [2.82, 0, 2.82], [2.82, 2.82, 0]], ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    def perovskite(a, b, lattice):
        return [[lattice, 0, 0], [0, lattice, 0], [0, 0, lattice]], [a, b, "O", "O", "O"], \
            [[0, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
    return [nacl, ("built:SrTiO3-cubic", *perovskite("Sr", "Ti", 3.90)), ("built:CaTiO3-cubic", *perovskite("Ca", "Ti", 3.84))]


def relax(atoms, calc):
    atoms = atoms.copy()
    atoms.calc = calc
    atoms.set_constraint(FixSymmetry(atoms, symprec=1e-3))
    opt = FIRE(FrechetCellFilter(atoms), logfile=None)
    opt.run(fmax=1e-3, steps=3000)
    atoms.set_constraint()
    return atoms, opt.get_number_of_steps()


def main(out="Tests/Fixtures/phonons.json.gz"):
    torch.set_num_threads(2)
    warnings.filterwarnings("ignore")
    model = CHGNet.load(model_name="0.3.0")
    calc = CHGNetCalculator(model=model, use_device="cpu")
    with gzip.open("Tests/Fixtures/elastic_eos.json.gz", "rt") as f:
        records = {r["id"]: r for r in json.load(f)["results"]}
    inputs = [(i, records[i]["elastic"]["relaxed_structure"]) for i in PICKED]
    inputs = [(i, s["lattice"], s["species"], s["frac_coords"]) for i, s in inputs] + built()
    results = []
    for ident, lattice, species, frac in inputs:
        atoms = Atoms(species, cell=lattice, scaled_positions=frac, pbc=True)
        atoms, steps = relax(atoms, calc)
        cell = atoms.cell.array
        size = size_for(cell)
        masses = [Element(s).atomic_mass.real for s in species]
        unit = PhonopyAtoms(symbols=species, cell=cell, scaled_positions=atoms.get_scaled_positions(wrap=False), masses=masses)
        start = time.time()
        ph = Phonopy(unit, supercell_matrix=np.diag(size), primitive_matrix=np.eye(3), symprec=1e-3)
        ph.generate_displacements(distance=0.01, is_plusminus="auto")

        def forces(sc):
            a = Atoms(sc.symbols, cell=sc.cell, scaled_positions=sc.scaled_positions, pbc=True)
            a.calc = calc
            return a.get_forces()

        reference = forces(ph.supercell)
        ph.forces = np.array([forces(sc) - reference for sc in ph.supercells_with_displacements])
        ph.produce_force_constants()
        ph.symmetrize_force_constants()
        frequencies = {k: ph.get_frequencies(q).tolist() for k, q in Q_POINTS.items()}
        mesh = [max(4, 2 * n) for n in size]
        ph.run_mesh(mesh, with_eigenvectors=False, is_gamma_center=True, is_mesh_symmetry=False)
        m = ph.get_mesh_dict()
        k = np.unravel_index(np.argmin(m["frequencies"]), m["frequencies"].shape)
        seconds = time.time() - start
        results.append({
            "id": ident, "structure": {"lattice": cell.tolist(), "species": species,
                                       "frac_coords": atoms.get_scaled_positions(wrap=False).tolist()},
            "relax_steps": steps, "masses": masses, "supercell": size, "supercell_atoms": len(ph.supercell),
            "displacements": [{"atom": int(d["number"]), "vector": np.asarray(d["displacement"]).tolist()}
                              for d in ph.dataset["first_atoms"]],
            "q_points": Q_POINTS, "frequencies": frequencies, "mesh": mesh,
            "mesh_minimum": float(m["frequencies"][k]), "mesh_minimum_q": m["qpoints"][k[0]].tolist(),
            "seconds_phonopy_chgnet": seconds,
        })
        print(f"{ident}: {len(species)} atoms, supercell {size} ({len(ph.supercell)} atoms), "
              f"{len(ph.dataset['first_atoms'])} displacements, Γ {np.round(frequencies['Γ'], 3).tolist()[:6]}, "
              f"mesh min {float(m['frequencies'][k]):.3f} THz, {seconds:.1f} s", flush=True)
    meta = {"generator": "scripts/make_phonon_fixture.py", "model": "CHGNet 0.3.0", "phonopy": phonopy.__version__,
            "chgnet": chgnet.__version__, "torch": torch.__version__, "ase": ase.__version__, "units": "THz",
            "settings": "distance 0.01 Å, is_plusminus auto, symprec 1e-3, residual forces subtracted, symmetrize_force_constants()"}
    with gzip.open(out, "wt") as f:
        json.dump({"meta": meta, "results": results}, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
