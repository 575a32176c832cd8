"""pymatgen side of the novelty benchmark: the same work as `kiln-bench novelty`.

Usage:
  .build/release/kiln-bench novelty --write-candidates cand.json --write-flags kiln_flags.json
  venv/bin/python Benchmarks/novelty_python.py cand.json [--limit N] [--flags kiln_flags.json]

References: the 36,737 MP structures of ../shared/data/structures/mp_cgcnn36k.jsonl.gz (the source
of Kiln's bundled set). They are bucketed by reduced formula; each candidate is fitted
(StructureMatcher defaults, ElementComparator, as Kiln's NoveltyChecker) against its bucket in
reference order until the first match. --limit times only the first N candidates (extrapolate).
"""
import argparse
import gzip
import json
import time
from collections import defaultdict

from pymatgen.analysis.structure_matcher import ElementComparator, StructureMatcher
from pymatgen.core import Lattice, Structure

REFS = "../shared/data/structures/mp_cgcnn36k.jsonl.gz"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("candidates")
    p.add_argument("--limit", type=int)
    p.add_argument("--flags", help="Kiln's flags to compare with")
    a = p.parse_args()

    t = time.perf_counter()
    refs = []
    with gzip.open(REFS, "rt") as f:
        for line in f:
            d = json.loads(line)
            refs.append(Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"]))
    load = time.perf_counter() - t

    t = time.perf_counter()
    buckets = defaultdict(list)
    for r in refs:
        buckets[r.composition.reduced_formula].append(r)
    index = time.perf_counter() - t

    with open(a.candidates) as f:
        cands = json.load(f)
    if a.limit:
        cands = cands[: a.limit]
    cands = [Structure(Lattice(c["lattice"]), c["species"], c["frac_coords"]) for c in cands]
    sm = StructureMatcher(comparator=ElementComparator())
    t = time.perf_counter()
    flags = []
    for c in cands:
        novel = True
        for r in buckets.get(c.composition.reduced_formula, []):
            if sm.fit(r, c):
                novel = False
                break
        flags.append(novel)
    match = time.perf_counter() - t

    print("| step | seconds |\n|---|---|")
    print(f"| build {len(refs)} pymatgen Structures | {load:.3f} |")
    print(f"| bucket by reduced formula | {index:.3f} |")
    print(f"| novelty of {len(cands)} candidates, 1 thread | {match:.3f} |")
    print(f"\n{sum(flags)} of {len(cands)} novel")
    if a.flags:
        with open(a.flags) as f:
            kiln = json.load(f)[: len(flags)]
        same = sum(x == y for x, y in zip(kiln, flags))
        print(f"agreement with Kiln: {same}/{len(flags)}")
        for i, (x, y) in enumerate(zip(kiln, flags)):
            if x != y:
                print(f"  candidate {i}: kiln novel={x}, pymatgen novel={y}")


if __name__ == "__main__":
    main()
