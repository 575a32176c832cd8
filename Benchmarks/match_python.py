"""pymatgen side of the matching benchmark: the same work as `kiln-bench match`.

Usage: venv/bin/python Benchmarks/match_python.py [Tests/Fixtures/matcher.json.gz] [--repeat 3]

Times StructureMatcher.fit and get_rms_dist on every pair of matcher.json and group_structures
on its group case, for the `default` and `cdvae` settings; reports the fastest wall time of the
repeats and their mean CPU time.
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
    """Fastest wall time and mean CPU time of `repeat` runs, in seconds."""
    best, cpu = float("inf"), 0.0
    for _ in range(repeat):
        StructureMatcher._get_reduced_istructure.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t)
        cpu += time.process_time() - c
    return best, cpu / repeat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fixture", nargs="?", default="Tests/Fixtures/matcher.json.gz")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    m = load(args.fixture)
    pairs = [(struct(p["structure_1"]), struct(p["structure_2"])) for p in m["pairs"]]
    group = [struct(g) for g in m["group_case"]["structures"]]
    print("| section | n | wall s (fastest) | CPU s (mean) | wall ms per item |\n|---|---|---|---|---|")
    for name, s in m["meta"]["settings"].items():
        sm = StructureMatcher(ltol=s["ltol"], stol=s["stol"], angle_tol=s["angle_tol"])
        rows = [
            (f"fit {name}", len(pairs), timed(args.repeat, lambda: [sm.fit(a, b) for a, b in pairs])),
            (f"rms {name}", len(pairs), timed(args.repeat, lambda: [sm.get_rms_dist(a, b) for a, b in pairs])),
            (f"group {name}", len(group), timed(args.repeat, lambda: sm.group_structures(group))),
        ]
        for section, n, (sec, cpu) in rows:
            print(f"| {section} | {n} | {sec:.4f} | {cpu:.4f} | {sec * 1000 / n:.4f} |")


if __name__ == "__main__":
    main()
