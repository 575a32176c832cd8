#!/usr/bin/env python3
"""Builds Sources/Crystal/Resources/elements.json from ../shared/data/elemental.

Run once from the repository root: python3 scripts/build_elements.py ../shared/data
Sources and licences are listed in NOTICE.
"""
import gzip, json, os, sys

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
el = os.path.join(data, "elemental")
pt = json.load(gzip.open(os.path.join(el, "pymatgen/periodic_table.json.gz")))

def smact_states(name):
    out = {}
    for line in open(os.path.join(el, "smact", name)):
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split()
        out[parts[0]] = [int(x) for x in parts[1:]]
    return out

smact_default = smact_states("oxidation_states.txt")
smact_icsd24 = smact_states("oxidation_states_icsd24_filtered.txt")

smact_rows = {}
for line in open(os.path.join(el, "smact/element_data.txt")):
    if line.startswith("#") or not line.strip():
        continue
    p = line.split()
    f = lambda x: None if x == "None" else float(x)
    smact_rows[p[0]] = {"covalent": f(p[4]), "abundance": f(p[8])}

hhi = {}
for line in open(os.path.join(el, "pymatgen/hhi_data.csv")):
    if line.startswith("#") or not line.strip():
        continue
    s, p, r = line.strip().split(",")
    hhi[s] = (float(p), float(r))

magpie_dir = os.path.join(el, "matminer_magpie")
magpie = {}
for fn in sorted(os.listdir(magpie_dir)):
    if not fn.endswith(".table") or fn == "OxidationStates.table":
        continue
    vals = []
    for line in open(os.path.join(magpie_dir, fn)):
        t = line.strip()
        try:
            v = float(t)
            vals.append(v if v == v else None)
        except ValueError:
            vals.append(None)
    magpie[fn[:-6]] = vals

def row_group_block(z):
    # Period from the noble-gas boundaries; group with lanthanides/actinides as group 3.
    bounds = [2, 10, 18, 36, 54, 86, 118]
    row = next(i + 1 for i, b in enumerate(bounds) if z <= b)
    start = [0, 2, 10, 18, 36, 54, 86][row - 1]
    pos = z - start  # 1-based position in the period
    if row == 1:
        group = 1 if z == 1 else 18
    elif row <= 3:
        group = pos if pos <= 2 else pos + 10
    elif row <= 5:
        group = pos
    else:
        if pos <= 2:
            group = pos
        elif pos <= 17:
            group = 3  # La..Lu / Ac..Lr
        else:
            group = pos - 14
    if row >= 6 and 3 <= pos <= 16:
        block = "f"  # La..Yb, Ac..No (pymatgen puts Lu and Lr in the d block)
    elif group <= 2 or z == 2:
        block = "s"
    elif group <= 12:
        block = "d"
    else:
        block = "p"
    return row, group, block

def shannon(entry):
    out = []
    for ox, coords in (entry.get("Shannon radii") or {}).items():
        if not ox.lstrip("-").isdigit():
            continue
        for cn, spins in coords.items():
            for spin, r in spins.items():
                out.append({"oxidationState": int(ox), "coordination": cn, "spin": spin,
                            "crystalRadius": r["crystal_radius"], "ionicRadius": r["ionic_radius"]})
    return out

elements = []
for sym, e in pt.items():
    if sym in ("_unit", "D", "T"):
        continue
    z = e["Atomic no"]
    row, group, block = row_group_block(z)
    def num(key):
        v = e.get(key)
        return v if isinstance(v, (int, float)) else None
    cov = smact_rows.get(sym, {}).get("covalent")
    if cov is None and z <= len(magpie["CovalentRadius"]) and magpie["CovalentRadius"][z - 1] is not None:
        cov = magpie["CovalentRadius"][z - 1] / 100.0
    elements.append({
        "z": z, "symbol": sym, "name": e["Name"], "mass": float(str(e["Atomic mass"]).split()[0]),
        "electronegativity": num("X"), "atomicRadius": num("Atomic radius"), "covalentRadius": cov,
        "mendeleevNumber": e.get("Mendeleev no"),
        "row": row, "group": group, "block": block,
        "oxidationStates": e.get("Oxidation states", []),
        "commonOxidationStates": e.get("Common oxidation states", []),
        "icsdOxidationStates": e.get("ICSD oxidation states", []),
        "smactOxidationStates": smact_default.get(sym, []),
        "smactICSD24OxidationStates": smact_icsd24.get(sym, []),
        "ionicRadii": {k: v for k, v in (e.get("Ionic radii") or {}).items()},
        "shannonRadii": shannon(e),
        "hhiProduction": hhi.get(sym, (None, None))[0], "hhiReserve": hhi.get(sym, (None, None))[1],
        "crustalAbundance": smact_rows.get(sym, {}).get("abundance"),
        "magpie": {k: v[z - 1] for k, v in magpie.items() if z <= len(v) and v[z - 1] is not None},
    })
elements.sort(key=lambda x: x["z"])
out = os.path.join(os.path.dirname(__file__), "..", "Sources/Crystal/Resources/elements.json")
with open(out, "w") as f:
    json.dump({"source": "see NOTICE", "elements": elements}, f, separators=(",", ":"))
print(len(elements), "elements ->", out)
