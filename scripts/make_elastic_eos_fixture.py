"""Write Tests/Fixtures/elastic_eos.json.gz: elastic tensors, moduli, Born verdicts, Birch–Murnaghan
EOS parameters and CHGNet magnetic moments of small fixture structures, from matcalc + CHGNet.

Versions used for the committed fixture: Python 3.11, matcalc 0.7.0, pymatgen 2026.10.24,
ase 3.29.0, chgnet 0.4.2 with the CHGNet 0.3.0 model (`CHGNet.load(model_name="0.3.0")`, the model
Kiln ships), torch 2.15.0 on CPU with one thread (leaves the other cores free).

Settings are matcalc's defaults except `relax_deformed_structures=True` (Kiln relaxes the ions in
every strained cell by default) and `units_GPa=True`:
  ElasticityCalc: relax first (FIRE, FrechetCellFilter, fmax 0.1), normal strains ±0.5 %, ±1 %,
    shear strains ±3 %, ±6 %, use_equilibrium=True.
  EOSCalc: relax first, 11 volumes over ±10 % volumetric strain, relaxed at constant volume.
Born verdict: all eigenvalues of the symmetrised 6×6 tensor positive. EOS parameters are pymatgen's
BirchMurnaghan fit of the returned E(V) points (the fit matcalc makes). When that fit fails (pymatgen's
EOSError, e.g. graphite), the record keeps the E(V) points matcalc computed ("eos" without fit
parameters, "eos_error" saying why), so the scan itself can still be compared.

CHGNet 0.4.2's stress changes sign in a left-handed cell (det of the lattice < 0; energies and forces
do not), which negates matcalc's whole elastic tensor. Such a cell (AlF3 here) is given to matcalc with
its first two lattice vectors swapped: the same crystal in the same Cartesian frame, right-handed. The
record keeps the structure as given; its relaxed_structure is the right-handed one.

Structures: the distinct structures of Tests/Fixtures/structures.json.gz with at most 6 sites, grouped
by crystal system (pymatgen's SpacegroupAnalyzer, symprec 0.1) and taken in order of (number of sites,
id), up to 4 per system. That gives 25 structures covering all 7 crystal systems (triclinic has a
single one of at most 6 sites). They are computed round-robin over the systems (every system's
smallest, then every system's second, ..., smaller cells first within a round), so that a partial
run covers as many systems as it can.

The file is rewritten after each structure, and a rerun keeps the finished ones it would select again
(resumable).

Usage: python scripts/make_elastic_eos_fixture.py [Tests/Fixtures/elastic_eos.json.gz]
"""

import gzip
import json
import sys
import time
import warnings

import numpy as np
import torch
from chgnet.model import CHGNet
from chgnet.model.dynamics import CHGNetCalculator
import matcalc._eos
from matcalc import ElasticityCalc, EOSCalc
from pymatgen.analysis.eos import BirchMurnaghan, EOSError
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

PER_SYSTEM = 4
MAX_SITES = 6


class RecordingBirchMurnaghan(BirchMurnaghan):
    """The fit matcalc's EOSCalc makes, keeping its E(V) points even when the fit fails."""

    points = None

    def fit(self):
        RecordingBirchMurnaghan.points = (self.volumes.tolist(), self.energies.tolist())
        super().fit()


matcalc._eos.BirchMurnaghan = RecordingBirchMurnaghan


def load_structures():
    with gzip.open("Tests/Fixtures/structures.json.gz", "rt") as f:
        records = json.load(f)["structures"]
    picked, seen = {}, set()
    for r in sorted(records, key=lambda r: (r["n_sites"], r["id"])):
        if r["n_sites"] > MAX_SITES:
            continue
        s = r["structure"]
        st = Structure(Lattice(s["lattice"]), s["species"], s["frac_coords"])
        key = json.dumps(s, sort_keys=True)
        if key in seen:  # the same input twice (e.g. two POSCARs of one cell)
            continue
        seen.add(key)
        system = SpacegroupAnalyzer(st, symprec=0.1).get_crystal_system()
        if len(picked.setdefault(system, [])) < PER_SYSTEM:
            picked[system].append((r["id"], system, s, st))
    ranked = [(rank, len(x[3]), system, x) for system in sorted(picked) for rank, x in enumerate(picked[system])]
    return [r[3] for r in sorted(ranked, key=lambda r: r[:3])]


def as_dict(st):
    return {"lattice": st.lattice.matrix.tolist(), "species": [str(sp) for sp in st.species],
            "frac_coords": st.frac_coords.tolist()}


def main(out):
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    model = CHGNet.load(model_name="0.3.0", verbose=False)
    calc = CHGNetCalculator(model=model)
    elastic = ElasticityCalc(calc, relax_deformed_structures=True, units_GPa=True)
    eos = EOSCalc(calc)
    selected = load_structures()
    ids = {x[0] for x in selected}
    done = {}
    try:
        with gzip.open(out, "rt") as f:
            done = {r["id"]: r for r in json.load(f)["results"] if r["id"] in ids}
    except FileNotFoundError:
        pass
    for sid, system, s, st in selected:
        if sid in done:
            continue
        if np.linalg.det(st.lattice.matrix) < 0:
            st = Structure(Lattice(st.lattice.matrix[[1, 0, 2]]), st.species, st.frac_coords[:, [1, 0, 2]])
        t0 = time.time()
        rec = {"id": sid, "crystal_system": system, "structure": s}
        try:
            pred = model.predict_structure(st)
            m = np.abs(np.asarray(pred["m"]).reshape(-1))
            rec["magmoms"] = m.tolist()
            e = elastic.calc(st)
            et = e["elastic_tensor"]
            c = np.asarray(et.voigt)
            eig = np.linalg.eigvalsh((c + c.T) / 2)
            rec["elastic"] = {
                "relaxed_structure": as_dict(e["structure"]), "elastic_tensor": c.tolist(),
                "k_voigt": et.k_voigt, "k_reuss": et.k_reuss, "k_vrh": et.k_vrh,
                "g_voigt": et.g_voigt, "g_reuss": et.g_reuss, "g_vrh": et.g_vrh,
                "youngs_modulus": e["youngs_modulus"], "poisson_ratio": et.homogeneous_poisson,
                "eigenvalues": eig.tolist(), "born_stable": bool(np.all(eig > 0)),
            }
            try:
                q = eos.calc(st)
            except EOSError as err:
                v, en = zip(*sorted(zip(*RecordingBirchMurnaghan.points)))
                rec["eos"] = {"volumes": list(v), "energies": list(en)}
                rec["eos_error"] = f"EOSError: {err}"
            else:
                v, en = q["eos"]["volumes"], q["eos"]["energies"]
                bm = BirchMurnaghan(v, en)
                bm.fit()
                rec["eos"] = {"volumes": list(v), "energies": list(en), "e0": bm.e0, "v0": bm.v0,
                              "b0_GPa": bm.b0_GPa, "b1": bm.b1, "bulk_modulus_bm": q["bulk_modulus_bm"],
                              "r2": q["r2_score_bm"]}
        except Exception as err:  # recorded: Kiln must refuse the same structures
            rec["error"] = f"{type(err).__name__}: {err}"
        rec["seconds"] = time.time() - t0
        print(sid, system, rec.get("elastic", {}).get("k_vrh"), rec.get("eos", {}).get("b0_GPa"),
              rec.get("error", rec.get("eos_error", "")), f"{rec['seconds']:.1f} s", flush=True)
        done[sid] = rec
        write(out, [done[x[0]] for x in selected if x[0] in done])


def write(out, results):
    meta = {"generator": "scripts/make_elastic_eos_fixture.py", "model": "CHGNet 0.3.0",
            "matcalc": __import__("matcalc").__version__, "units": {"moduli": "GPa", "volume": "A^3", "energy": "eV"}}
    with gzip.open(out, "wt") as f:
        json.dump({"meta": meta, "results": results}, f, default=float)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/elastic_eos.json.gz")
