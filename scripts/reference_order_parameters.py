"""Reference values of pymatgen's LocalStructOrderParams for the motifs of matminer's
CrystalNNFingerprint "ops" preset (Tests/Fixtures/order_parameters.json.gz).

Each environment is a centre and its neighbours (Cartesian Å, no periodicity); it carries the
value of every preset motif of its coordination number, computed exactly as matminer builds the
op: LocalStructOrderParams([type], parameters=[params]) with (type, params) from CN_OPT_PARAMS,
or the motif name itself as type when CN_OPT_PARAMS has no entry (sgl_bd, q2, q4, q6).

Run from the repository root:  venv/bin/python scripts/reference_order_parameters.py
"""

import gzip
import json
import math
import sys
import warnings

import numpy as np
from matminer.featurizers.site.fingerprint import load_cn_motif_op_params, load_cn_target_motif_op
from pymatgen.analysis.local_env import CrystalNN, LocalStructOrderParams
from pymatgen.core import Lattice, Site, Structure

warnings.filterwarnings("ignore")

PRESET = load_cn_target_motif_op()
PARAMS = load_cn_motif_op_params()
OUT = "Tests/Fixtures/order_parameters.json.gz"


def make_op(cn, motif):
    ot, p = motif, None
    if cn in PARAMS and motif in PARAMS[cn]:
        ot = PARAMS[cn][motif][0]
        if len(PARAMS[cn][motif]) > 1:
            p = PARAMS[cn][motif][1]
    return LocalStructOrderParams([ot], parameters=[p])


OPS = {cn: {m: make_op(cn, m) for m in motifs} for cn, motifs in PRESET.items()}


def values(cn, center, neighbors):
    sites = [Site("H", center)] + [Site("H", x) for x in neighbors]
    idx = list(range(1, len(neighbors) + 1))
    out = {}
    for motif, op in OPS[cn].items():
        v = op.get_order_parameters(sites, 0, indices_neighs=idx)[0]
        out[motif] = None if v is None else float(v)
    return out


def ring(n, z=0.0, phase=0.0):
    return [(math.cos(phase + 2 * math.pi * i / n), math.sin(phase + 2 * math.pi * i / n), z) for i in range(n)]


def bent(deg):
    a = math.radians(deg)
    return [(1.0, 0.0, 0.0), (math.cos(a), math.sin(a), 0.0)]


TET = [(1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)]
OCT = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
TBP = ring(3) + [(0, 0, 1), (0, 0, -1)]
CUBOCT = [(a, b, 0) for a in (1, -1) for b in (1, -1)] + [(a, 0, b) for a in (1, -1) for b in (1, -1)] + [
    (0, a, b) for a in (1, -1) for b in (1, -1)
]

IDEAL = {
    (1, "sgl_bd"): [(0, 0, 1)],
    (2, "L-shaped"): bent(90),
    (2, "water-like"): bent(104.45),
    (2, "bent 120 degrees"): bent(120),
    (2, "bent 150 degrees"): bent(150),
    (2, "linear"): bent(180),
    (3, "trigonal planar"): ring(3),
    (3, "trigonal non-coplanar"): TET[:3],
    (3, "T-shaped"): [(1, 0, 0), (-1, 0, 0), (0, 1, 0)],
    (4, "square co-planar"): ring(4),
    (4, "tetrahedral"): TET,
    (4, "rectangular see-saw-like"): [(1, 0, 0), (-1, 0, 0), (0, 0, 1), (0, 1, 0)],
    (4, "see-saw-like"): TBP[:2] + TBP[3:],
    (4, "trigonal pyramidal"): ring(3) + [(0, 0, 1)],
    (5, "pentagonal planar"): ring(5),
    (5, "square pyramidal"): ring(4) + [(0, 0, 1)],
    (5, "trigonal bipyramidal"): TBP,
    (6, "hexagonal planar"): ring(6),
    (6, "octahedral"): OCT,
    (6, "pentagonal pyramidal"): ring(5) + [(0, 0, 1)],
    (7, "hexagonal pyramidal"): ring(6) + [(0, 0, 1)],
    (7, "pentagonal bipyramidal"): ring(5) + [(0, 0, 1), (0, 0, -1)],
    (8, "body-centered cubic"): [(a, b, c) for a in (1, -1) for b in (1, -1) for c in (1, -1)],
    (8, "hexagonal bipyramidal"): ring(6) + [(0, 0, 1), (0, 0, -1)],
    (12, "cuboctahedral"): CUBOCT,
}


def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array(
        [
            [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
            [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
            [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d],
        ]
    )


def environment(rng, directions, noise):
    center = rng.uniform(-5, 5, size=3)
    if len(directions) == 0:
        return center, []
    rot = random_rotation(rng)
    neigh = []
    for d in directions:
        u = unit(rot @ unit(d) + rng.normal(scale=noise, size=3))
        neigh.append(center + rng.uniform(1.5, 3.5) * u)
    order = rng.permutation(len(neigh))
    return center, [neigh[i] for i in order]


def record(kind, ident, cn, center, neighbors):
    center = [float(x) for x in center]
    neighbors = [[float(x) for x in v] for v in neighbors]
    return {"id": ident, "kind": kind, "cn": cn, "center": center, "neighbors": neighbors,
            "values": values(cn, center, neighbors)}


def main():
    rng = np.random.default_rng(20261122)
    envs = []
    for (cn, motif), dirs in IDEAL.items():
        d = [1.9 * unit(v) for v in dirs]
        envs.append(record("ideal", f"ideal:{motif}", cn, (0.0, 0.0, 0.0), d))
    for cn, motifs in PRESET.items():
        count = 0
        for motif in motifs:
            dirs = IDEAL.get((cn, motif))
            if dirs is None:
                continue
            for noise in np.linspace(0.01, 0.35, 30):
                c, n = environment(rng, dirs, noise)
                envs.append(record("near-ideal", f"near:{motif}#{count}", cn, c, n))
                count += 1
        for k in range(50):
            c, n = environment(rng, rng.normal(size=(cn, 3)), 0.0)
            envs.append(record("random", f"random:cn{cn}#{k}", cn, c, n))
        # Too few neighbours for the motif: pymatgen's None (or sgl_bd's 0) cases.
        for count in range(min(cn, 4)):
            c, n = environment(rng, rng.normal(size=(count, 3)), 0.0)
            envs.append(record("few", f"few:cn{cn}-n{count}", cn, c, n))
        # Collinear neighbours (same and opposite directions) hit pymatgen's degenerate-axis branches.
        if cn >= 2:
            dirs = [(0, 0, 1), (0, 0, -1), (0, 0, 1)] + [tuple(v) for v in rng.normal(size=(max(cn - 3, 0), 3))]
            c, n = environment(rng, dirs[:cn], 0.0)
            envs.append(record("collinear", f"collinear:cn{cn}", cn, c, n))

    root = json.load(gzip.open("Tests/Fixtures/structures.json.gz"))
    cnn = CrystalNN()
    real = 0
    for rec in root["structures"]:
        if rec["n_sites"] > 40 or real >= 400:
            continue
        st = rec["structure"]
        s = Structure(Lattice(st["lattice"]), st["species"], st["frac_coords"])
        for i in range(min(len(s), 3)):
            try:
                nn = cnn.get_nn_data(s, i)
            except Exception as exc:  # CrystalNN fails on a few odd cells; skip those sites
                print(f"skip {rec['id']} site {i}: {exc}", file=sys.stderr)
                continue
            for cn, w in sorted(nn.cn_weights.items()):
                if w == 0 or cn not in PRESET:
                    continue
                neigh = [d["site"].coords for d in nn.cn_nninfo[cn]]
                envs.append(record("crystal", f"{rec['id']}:site{i}:cn{cn}", cn, s[i].coords, neigh))
                real += 1
    text = json.dumps({"generator": "scripts/reference_order_parameters.py", "environments": envs})
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(text.encode())
    kinds = {}
    for e in envs:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"{len(envs)} environments {kinds}, {sum(len(e['values']) for e in envs)} values")


if __name__ == "__main__":
    main()
