#!/usr/bin/env python3
"""PyTorch CHGNet side of `kiln-bench chgnet`: times chgnet 0.4.2 (model 0.3.0)
`predict_structure(task="efsm")` (graph construction included) on the structures of
Tests/Fixtures/chgnet.json.gz, with 2 threads, and writes per-structure median wall and
process CPU times (all threads) in ms.

Usage (repo root): venv/bin/python Benchmarks/chgnet_python.py [--repeat 5] [--threads 2] \
    [--out chgnet_python.json]
"""
import argparse
import contextlib
import gzip
import io
import json
import os
import resource
import statistics
import time
import warnings

ap = argparse.ArgumentParser()
ap.add_argument("--fixtures", default="Tests/Fixtures")
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--out", default="-")
a = ap.parse_args()
os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # steadier on shared cores; must precede the torch import
warnings.filterwarnings("ignore")
import torch  # noqa: E402

torch.set_num_threads(a.threads)
from chgnet.model import CHGNet  # noqa: E402
from pymatgen.core import Lattice, Structure  # noqa: E402

structures = {s["id"]: s["structure"] for s in json.load(gzip.open(f"{a.fixtures}/structures.json.gz"))["structures"]}
ids = [r["id"] for r in json.load(gzip.open(f"{a.fixtures}/chgnet.json.gz"))["results"]]
with contextlib.redirect_stdout(io.StringIO()):
    model = CHGNet.load(model_name="0.3.0", use_device="cpu", verbose=False)
rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = []
for i in ids:
    d = structures[i]
    s = Structure(Lattice(d["lattice"]), d["species"], d["frac_coords"])
    model.predict_structure(s, task="efsm")  # warm-up
    times, cpu = [], []
    for _ in range(a.repeat):
        t, c = time.perf_counter(), time.process_time()
        model.predict_structure(s, task="efsm")
        times.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    out.append({"id": i, "n_sites": len(s), "median_ms": statistics.median(times),
                "median_cpu_ms": statistics.median(cpu)})
result = {"threads": a.threads, "loadavg_at_end": os.getloadavg(), "repeat": a.repeat, "torch": torch.__version__,
          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
          "rss_after_model_load_mb": rss_after_load / 1024, "structures": out}
text = json.dumps(result, indent=1)
if a.out == "-":
    print(text)
else:
    open(a.out, "w").write(text)
