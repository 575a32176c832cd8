"""pymatgen side of the matching benchmark: the same work as `kiln bench-match`.

Usage: /work/venv/bin/python Benchmarks/match_python.py [Tests/Fixtures/matcher.json.gz] [--repeat 3]

Times StructureMatcher.fit and get_rms_dist on every pair of matcher.json and group_structures
on its group case, for the `default` and `cdvae` settings; reports the fastest of the repeats.
pymatgen's reduced-structure LRU cache is cleared before every timed section.
"""
import argparse
import gzip
import json
import time

from pymatgen.analysis.structure_matcher import StructureMatcher
from pymatgen.core import Lattice, Structure


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def struct(d):
    return Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"])


def timed(repeat, fn):
    best = float("inf")
    for _ in range(repeat):
        StructureMatcher._get_reduced_istructure.cache_clear()
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fixture", nargs="?", default="Tests/Fixtures/matcher.json.gz")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    m = load(args.fixture)
    pairs = [(struct(p["structure_1"]), struct(p["structure_2"])) for p in m["pairs"]]
    group = [struct(g) for g in m["group_case"]["structures"]]
    print("| section | n | wall s | ms per item |\n|---|---|---|---|")
    cpu0, wall_sum = time.process_time(), 0.0
    for name, s in m["meta"]["settings"].items():
        sm = StructureMatcher(ltol=s["ltol"], stol=s["stol"], angle_tol=s["angle_tol"])
        rows = [
            (f"fit {name}", len(pairs), timed(args.repeat, lambda: [sm.fit(a, b) for a, b in pairs])),
            (f"rms {name}", len(pairs), timed(args.repeat, lambda: [sm.get_rms_dist(a, b) for a, b in pairs])),
            (f"group {name}", len(group), timed(args.repeat, lambda: sm.group_structures(group))),
        ]
        for section, n, sec in rows:
            wall_sum += sec * args.repeat
            print(f"| {section} | {n} | {sec:.4f} | {sec * 1000 / n:.4f} |")
    cpu = time.process_time() - cpu0
    print(f"| all sections, CPU s (all repeats; wall {wall_sum:.3f} s) | 1 | {cpu:.4f} | |")


if __name__ == "__main__":
    main()
