"""Python side of the symmetry benchmark: the same work as `kiln-bench symmetry` with spglib's
Python package and pymatgen, on the same structure file, best of N passes.

    python Benchmarks/symmetry_python.py Tests/Fixtures/structures.json.gz [--repeats 3]
"""
import argparse
import gzip
import json
import time

import spglib
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer


def best_of(repeats, structs, body):
    best, failed = float("inf"), 0
    for _ in range(repeats):
        failed = 0
        t0 = time.perf_counter()
        for s in structs:
            try:
                body(s)
            except Exception:  # noqa: BLE001  (spglib finds no dataset)
                failed += 1
        best = min(best, time.perf_counter() - t0)
    return best, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    opener = gzip.open if a.file.endswith(".gz") else open
    with opener(a.file, "rt") as f:
        recs = json.load(f)["structures"]
    structs = [Structure(Lattice(r["structure"]["lattice"]), r["structure"]["species"], r["structure"]["frac_coords"])
               for r in recs]
    print(f"{len(structs)} structures from {a.file}, best of {a.repeats} passes; spglib {spglib.__version__}")
    print("| section | n | failed | wall s | ms per item |")
    print("|---|---|---|---|---|")

    def row(label, wall, failed):
        print(f"| {label} | {len(structs)} | {failed} | {wall:.3f} | {wall / len(structs) * 1000:.3f} |")

    for sp in (1e-3, 0.1):
        wall, failed = best_of(a.repeats, structs, lambda s: SpacegroupAnalyzer(
            s, symprec=sp, angle_tolerance=-1).get_space_group_number())
        row(f"`SpacegroupAnalyzer(s, symprec={sp}, angle_tolerance=-1).get_space_group_number()`", wall, failed)

        def raw(s):
            cell = (s.lattice.matrix, s.frac_coords, [site.specie.Z for site in s])
            spglib.get_symmetry_dataset(cell, symprec=sp, angle_tolerance=-1.0)
            spglib.standardize_cell(cell, to_primitive=True, symprec=sp, angle_tolerance=-1.0)
            spglib.standardize_cell(cell, to_primitive=False, symprec=sp, angle_tolerance=-1.0)

        wall, failed = best_of(a.repeats, structs, raw)
        row(f"raw spglib: dataset + standardize primitive + conventional, symprec={sp}", wall, failed)


if __name__ == "__main__":
    main()
