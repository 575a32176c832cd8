#!/usr/bin/env python3
"""Writes the input folder of the whole-process `kiln energy` benchmark: CIFs (pymatgen's
CifWriter) of the first N materials, in file order, of ../shared/data/structures/mp_cgcnn36k.jsonl.gz
whose material id falls in the held-out test tenth of the fixed split (first 8 hex digits of
SHA-256 of the id, mod 10 == 0) and that have at most --max-sites sites. None of them is a
fixture structure.

Usage: venv/bin/python Benchmarks/energy_inputs.py OUT_DIR [--count 150] [--max-sites 40] \
    [--data ../shared/data/structures/mp_cgcnn36k.jsonl.gz]
"""
import argparse
import gzip
import hashlib
import json
import os

from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifWriter

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--count", type=int, default=150)
ap.add_argument("--max-sites", type=int, default=40)
ap.add_argument("--data", default="../shared/data/structures/mp_cgcnn36k.jsonl.gz")
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
n = sites = 0
for line in gzip.open(a.data, "rt"):
    d = json.loads(line)
    if int(hashlib.sha256(d["material_id"].encode()).hexdigest()[:8], 16) % 10 or d["natoms"] > a.max_sites:
        continue
    s = Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"])
    CifWriter(s).write_file(os.path.join(a.out, f"{d['material_id']}.cif"))
    n, sites = n + 1, sites + len(s)
    if n == a.count:
        break
print(f"{n} structures, {sites} sites in {a.out}")
