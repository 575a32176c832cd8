"""Write Tests/Fixtures/pareto.json.gz: Pareto fronts and crowding distances from pymoo (0.6.2) for
random point sets, the answers `ParetoRanking` must reproduce.

Cases: 2, 3 and 4 objectives, 12 to 120 points, drawn from a seeded NumPy generator; half the
cases rounded to one decimal so that ties and duplicates occur, and one case with a constant
objective. Fronts: pymoo's `NonDominatedSorting().do(F)` (fast non-dominated sort), each front's
indices sorted. Crowding: `calc_crowding_distance(F[front])` per front (infinite values as null).

Usage: venv/bin/python scripts/make_pareto_fixture.py [Tests/Fixtures/pareto.json.gz]
"""
import gzip
import json
import sys

import numpy as np
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting
from pymoo.operators.survival.rank_and_crowding.metrics import calc_crowding_distance

rng = np.random.default_rng(17)
cases = []
for k, (n, m) in enumerate([(12, 2), (40, 2), (60, 3), (120, 3), (80, 4), (30, 2), (50, 3)]):
    F = rng.random((n, m))
    if k % 2:
        F = np.round(F, 1)
    if k == 6:
        F[:, 1] = 0.5
    fronts = [sorted(int(i) for i in f) for f in NonDominatedSorting().do(F)]
    crowding = [[None if np.isinf(c) else float(c) for c in calc_crowding_distance(F[f])] for f in fronts]
    cases.append({"points": F.tolist(), "fronts": fronts, "crowding": crowding})
out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/pareto.json.gz"
with gzip.open(out, "wt") as f:
    json.dump({"generator": "pymoo 0.6.2", "cases": cases}, f)
