#!/usr/bin/env python3
"""pymatgen side of `kiln-bench io`: CIF parsing of every fixture CIF text and 5 Å neighbour
lists of every fixture structure, fastest of --repeats passes.

    venv/bin/python Benchmarks/io_python.py [--cifs Tests/Fixtures/cifs.json.gz]
        [--structures Tests/Fixtures/structures.json.gz] [--repeats 3] [--cutoff 5]
"""
import argparse, gzip, json, time, warnings

from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifParser

warnings.simplefilter("ignore")
ap = argparse.ArgumentParser()
ap.add_argument("--cifs", default="Tests/Fixtures/cifs.json.gz")
ap.add_argument("--structures", default="Tests/Fixtures/structures.json.gz")
ap.add_argument("--repeats", type=int, default=3)
ap.add_argument("--cutoff", type=float, default=5.0)
args = ap.parse_args()

cifs = json.load(gzip.open(args.cifs))["cifs"]
texts = [cifs[k]["text"] for k in sorted(cifs)]
records = json.load(gzip.open(args.structures))["structures"]
cells = [Structure(Lattice(r["structure"]["lattice"]), r["structure"]["species"], r["structure"]["frac_coords"])
         for r in records]


def best(n, body):
    out = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        body()
        out = min(out, (time.perf_counter() - start) * 1e3)
    return out


def parse_all():
    n = 0
    for t in texts:
        try:
            n += len(CifParser.from_str(t).parse_structures(primitive=False))
        except Exception:
            pass
    return n


def neighbors_all():
    return sum(sum(len(x) for x in s.get_all_neighbors(args.cutoff)) for s in cells)


cif_ms = best(args.repeats, parse_all)
nl_ms = best(args.repeats, neighbors_all)
print(f"cif_parse      {len(texts):4d} texts   {cif_ms:9.2f} ms total  {cif_ms / len(texts):8.4f} ms/item  ({parse_all()} structures)")
print(f"neighbors_{args.cutoff:g}A   {len(cells):4d} cells   {nl_ms:9.2f} ms total  {nl_ms / len(cells):8.4f} ms/item  ({neighbors_all()} pairs)")
