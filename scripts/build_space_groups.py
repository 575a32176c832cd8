#!/usr/bin/env python3
"""Builds Sources/CrystalIO/Resources/space_groups.json.gz: the symmetry operations pymatgen's
CifParser uses when a CIF gives only a space-group symbol or number.

Run from the repository root with the reference venv: venv/bin/python scripts/build_space_groups.py
Data: pymatgen 2026.10.24 symm_data.json and symm_ops.json (MIT; see NOTICE).
"""
import gzip, json, os, re
from pymatgen.symmetry.groups import SYMM_DATA, SpaceGroup
import pymatgen.symmetry

tables, index = [], {}

def table(ops):
    key = tuple(ops)
    if key not in index:
        index[key] = len(tables)
        tables.append(list(key))
    return index[key]

def xyz(group):
    return sorted(op.as_xyz_str().replace(" ", "") for op in group.symmetry_ops)

# 1. pymatgen's generator-encoded groups, keyed by symbol without whitespace and underscores.
encoded = {}
for key in SYMM_DATA["space_group_encoding"]:
    try:
        encoded[re.sub(r"[\s_]", "", key)] = table(xyz(SpaceGroup(key)))
    except ValueError:
        pass
# 2. COD's settings table, keyed by Hermann-Mauguin symbol without whitespace, in file order.
cod_path = os.path.join(os.path.dirname(pymatgen.symmetry.__file__), "symm_ops.json")
cod = []
for row in json.load(open(cod_path)):
    cod.append([re.sub(r"\s+", "", row["hermann_mauguin"]), table([s.replace(" ", "") for s in row["symops"]])])
# 3. International Tables numbers.
numbers = {str(n): table(xyz(SpaceGroup.from_int_number(n))) for n in range(1, 231)}

out = {"source": "pymatgen 2026.10.24 symm_data.json / symm_ops.json", "tables": tables,
       "encoded": encoded, "cod": cod, "numbers": numbers}
path = "Sources/CrystalIO/Resources/space_groups.json.gz"
with gzip.GzipFile(path, "wb", mtime=0) as f:
    f.write(json.dumps(out, separators=(",", ":")).encode())
print(path, os.path.getsize(path), "bytes,", len(tables), "tables")
