"""pymatgen/matminer side of `kiln-bench fingerprint`: CrystalNN().get_nn_data and
CrystalNNFingerprint.from_preset("ops").featurize on every site of the fixture structures with at
most 48 sites, one process, one thread.

Usage: venv/bin/python Benchmarks/fingerprint_python.py [Tests/Fixtures/structures.json.gz]
"""
import gzip
import json
import sys
import time
import warnings

from matminer.featurizers.site.fingerprint import CrystalNNFingerprint
from pymatgen.core import Lattice, Structure
from pymatgen.core.local_env import CrystalNN

warnings.filterwarnings("ignore")


def timed(cells, work):
    t = time.perf_counter()
    failed = 0
    for s in cells:
        try:
            for i in range(len(s)):
                work(s, i)
        except Exception:
            failed += 1
    return (time.perf_counter() - t) * 1000, failed


def main(path="Tests/Fixtures/structures.json.gz"):
    rows = json.load(gzip.open(path))["structures"]
    cells = [Structure(Lattice(r["structure"]["lattice"]), r["structure"]["species"], r["structure"]["frac_coords"])
             for r in rows if len(r["structure"]["species"]) <= 48]
    sites = sum(len(s) for s in cells)
    cnn, fp = CrystalNN(), CrystalNNFingerprint.from_preset("ops")
    nn_ms, failed = timed(cells, cnn.get_nn_data)
    fp_ms, _ = timed(cells, fp.featurize)
    print(f"crystalnn     {len(cells):4d} structures {sites:5d} sites  {nn_ms:9.2f} ms total  {nn_ms / sites:8.4f} ms/site")
    print(f"fingerprint   {len(cells):4d} structures {sites:5d} sites  {fp_ms:9.2f} ms total  {fp_ms / sites:8.4f} ms/site")
    print(f"{failed} structures refused")


if __name__ == "__main__":
    main(*sys.argv[1:])
