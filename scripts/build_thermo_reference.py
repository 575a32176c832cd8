#!/usr/bin/env python3
"""Builds the MP hull reference (ReferenceData) and Thermo's bundled data from ../shared/data (run once,
from the repository root):

    venv/bin/python scripts/build_thermo_reference.py ../shared/data

Writes Sources/ReferenceData/Resources/ (the MP energy table and its metadata) and
Sources/Thermo/Resources/ (corrections and elemental references):
  * mp_reference.csv.gz: `formula,formation_energy_per_atom,id` for every MP formation energy we
    have: the 132,752 matbench mp_e_form rows (id `matbench:<row>`), the 36,737 mp_cgcnn36k
    structures (id = mp-id), and a 0 eV/atom reference row (id `ref:<El>`) for each element whose
    ground state is missing (He, Kr, Xe occur only in mp_cgcnn36k, as non-ground-state polymorphs).
  * mp_reference_meta.json: provenance, licence and counts (read as `MPEnergyTable.Metadata`; its name,
    description, count, licence and citation go into every `kiln hull --json` answer).
  * mp2020_compatibility.json: the MP2020 correction parameters (pymatgen's MP2020Compatibility.yaml).
  * mp_elemental_references.json: element -> MP GGA/GGA+U ground-state energy per atom and mp-id
    (matbench-discovery 2023-02-07-mp-elemental-reference-entries).
Sources and licences are listed in NOTICE. Needs pymatgen and monty (the project venv has both).
"""
import csv, gzip, io, json, os, sys

from monty.serialization import loadfn
from pymatgen.core import Composition

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = "Sources/Thermo/Resources"
data_out = "Sources/ReferenceData/Resources"

rows = []
ground = {}
elements = set()
with gzip.open(os.path.join(data, "mp_reference/matbench_mp_e_form_compositions.csv.gz"), "rt") as f:
    for i, r in enumerate(csv.DictReader(f)):
        rows.append((r["formula"], r["target"], f"matbench:{i}"))
n_matbench = len(rows)
with gzip.open(os.path.join(data, "structures/mp_cgcnn36k.jsonl.gz"), "rt") as f:
    for line in f:
        r = json.loads(line)
        rows.append((r["formula"], repr(r["formation_energy_per_atom"]), r["material_id"]))
n_cgcnn = len(rows) - n_matbench
for formula, e, _ in rows:
    c = Composition(formula)
    elements |= {str(el) for el in c.elements}
    if len(c.elements) == 1:
        el = str(c.elements[0])
        ground[el] = min(ground.get(el, float("inf")), float(e))
added = sorted(el for el in elements if ground.get(el, 1.0) > 0)
for el in added:
    rows.append((el, "0.0", f"ref:{el}"))

buf = io.StringIO()
buf.write("formula,formation_energy_per_atom,id\n")
for formula, e, ident in rows:
    buf.write(f"{formula},{e},{ident}\n")
with open(os.path.join(data_out, "mp_reference.csv.gz"), "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as g:
        g.write(buf.getvalue().encode())

meta = {
    "name": "mp-legacy-2018",
    "description": "Materials Project formation energies per atom (eV/atom, legacy MP corrections, "
                   "database as of about 2018.10); elements at 0.",
    "sources": [
        {"rows": n_matbench, "id_prefix": "matbench:",
         "what": "matbench mp_e_form compositions (MP 2018.10, E_f < 3 eV/atom)",
         "origin": "anthony-wang/CrabNet@457b4d4835737ecbe4dd33e53174bd818bd82143 data/matbench/mp_e_form.csv"},
        {"rows": n_cgcnn, "id_prefix": "mp-",
         "what": "formation energies of the 36,737 MT-CGCNN / CrysXPP MP structures (legacy MP, ~2018)",
         "origin": "kdmsit/crysxpp@b12e52b8db9fd0cfff28fece39e1756cb96182e2 data/id_prop.csv"},
        {"rows": len(added), "id_prefix": "ref:",
         "what": "elemental references at 0 eV/atom added for elements without a ground-state row: "
                 + ", ".join(added)},
    ],
    "n_entries": len(rows),
    "license": "CC-BY-4.0",
    "citation": "A. Jain et al., APL Materials 1, 011002 (2013), doi:10.1063/1.4812323; "
                "A. Dunn et al., npj Comput. Mater. 6, 138 (2020) (matbench)",
}
with open(os.path.join(data_out, "mp_reference_meta.json"), "w") as f:
    json.dump(meta, f, indent=1)
    f.write("\n")

compat = loadfn(os.path.join(data, "elemental/pymatgen/MP2020Compatibility.yaml"))
with open(os.path.join(out, "mp2020_compatibility.json"), "w") as f:
    json.dump({"source": "pymatgen 2026.10.24 pymatgen/analysis/compatibility/MP2020Compatibility.yaml (MIT)",
               "name": compat["Name"], "corrections": compat["Corrections"],
               "uncertainties": compat["Uncertainties"]}, f, indent=1, sort_keys=True)
    f.write("\n")

refs = json.load(gzip.open(os.path.join(data, "mp_reference/2023-02-07-mp-elemental-reference-entries.json.gz")))
table = {}
for el, e in sorted(refs.items()):
    n = sum(e["composition"].values())
    table[el] = {"energy_per_atom": e["energy"] / n, "material_id": e["data"]["material_id"],
                 "run_type": e["parameters"]["run_type"]}
with open(os.path.join(out, "mp_elemental_references.json"), "w") as f:
    json.dump({"source": "janosh/matbench-discovery@2c7f9fc42d018711dc2f5df573d225ea6d2d17b2 "
                         "data/mp/2023-02-07-mp-elemental-reference-entries.json.gz (MIT; MP data CC-BY-4.0)",
               "units": "eV/atom, MP2020-compatible GGA/GGA+U total energy of the lowest-energy elemental entry",
               "elements": table}, f, indent=1, sort_keys=True)
    f.write("\n")
print(n_matbench, n_cgcnn, added, len(rows))
