#!/usr/bin/env python3
"""pymatgen side of the Thermo benchmark (compare with `kiln-bench hull`).

For every case of Tests/Fixtures/hull.json.gz: PhaseDiagram construction plus, for every entry,
get_form_energy_per_atom, get_decomp_and_e_above_hull and (stable entries) get_phase_separation_energy,
the same work `kiln-bench hull` times. Reports the median wall time of --repeats runs, the process
CPU time, and peak memory. The 132,752-entry MP case is not rerun: pymatgen's PatchedPhaseDiagram
recorded 1808 s (build) + 286 s (E_hull of all entries) in the fixture's metadata.

    venv/bin/python Benchmarks/hull_python.py [--fixtures Tests/Fixtures] [--repeats 3]
"""
import argparse, gzip, json, os, resource, statistics, time, warnings

from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition

warnings.filterwarnings("ignore")
ap = argparse.ArgumentParser()
ap.add_argument("--fixtures", default="Tests/Fixtures")
ap.add_argument("--repeats", type=int, default=3)
args = ap.parse_args()

cases = json.load(gzip.open(os.path.join(args.fixtures, "hull.json.gz")))["cases"]
print(f"{'case':30}{'entries':>8}{'stable':>8}{'wall ms':>12}{'cpu ms':>12}")
tot_wall = tot_cpu = 0.0
for c in cases:
    walls, cpus = [], []
    for _ in range(args.repeats):
        entries = [PDEntry(Composition(e["formula"]), e["energy"]) for e in c["entries"]]
        t0, c0 = time.perf_counter(), time.process_time()
        pd = PhaseDiagram(entries)
        stable = pd.stable_entries
        for e in entries:
            pd.get_form_energy_per_atom(e)
            pd.get_decomp_and_e_above_hull(e)
            if e in stable:
                pd.get_phase_separation_energy(e)
        walls.append((time.perf_counter() - t0) * 1e3)
        cpus.append((time.process_time() - c0) * 1e3)
    w, cp = statistics.median(walls), statistics.median(cpus)
    tot_wall += w
    tot_cpu += cp
    print(f"{c['name']:30}{len(entries):>8}{len(stable):>8}{w:>12.1f}{cp:>12.1f}")
print(f"all {len(cases)} small cases: wall {tot_wall:.1f} ms, cpu {tot_cpu:.1f} ms")
meta = json.load(gzip.open(os.path.join(args.fixtures, "hull_mp_large.json.gz")))["meta"]
t = meta["time_s"]
print(f"hull_mp_large (recorded, PatchedPhaseDiagram): build {t['build']:.0f} s + E_hull of all {t['e_above_hull_all']:.0f} s")
print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
