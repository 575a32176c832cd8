"""Cross-check of Kiln's COV-R/COV-P with the Python stack: CDVAE's compute_cov definitions on
matminer fingerprints (CrystalNNFingerprint "ops" site mean, ElementProperty "magpie") of two
CDVAE-style CSVs (a 'cif' column). CompScaler constants are read from Kiln's
Sources/Evaluation/CDVAECompScaler.swift (copied there from CDVAE's constants.py).

Run: venv/bin/python scripts/check_coverage.py GENERATED.csv.gz REFERENCE.csv.gz STRUC_CUT COMP_CUT [FPS.npz]
With FPS.npz, the fingerprints are saved there (and read from there on the next run).
"""
import gzip
import json
import re
import sys
import warnings

import numpy as np
import pandas as pd
from matminer.featurizers.composition.composite import ElementProperty
from matminer.featurizers.site.fingerprint import CrystalNNFingerprint
from pymatgen.core import Structure
from scipy.spatial.distance import cdist

warnings.filterwarnings("ignore")
FP = CrystalNNFingerprint.from_preset("ops")
COMP = ElementProperty.from_preset("magpie")


def scaler():
    src = open("Sources/Evaluation/CDVAECompScaler.swift").read()
    arrays = [np.array([float(x) for x in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", body)])
              for body in re.findall(r"static let \w+: \[Double\] = \[(.*?)\]", src, re.S)]
    return arrays[0], arrays[1]


def fingerprints(path):
    out = []
    for cif in pd.read_csv(path)["cif"]:
        s = Structure.from_str(cif, fmt="cif")
        comp = COMP.featurize(s.composition)
        try:
            struc = np.mean([FP.featurize(s, i) for i in range(len(s))], axis=0)
        except Exception:
            struc = None
        out.append((struc, comp))
    return out


def main(gen_path, ref_path, struc_cut, comp_cut, cache=None):
    means, stds = scaler()
    try:
        z = np.load(cache, allow_pickle=True)
        gen, ref = list(z["gen"]), list(z["ref"])
    except (TypeError, FileNotFoundError):
        gen, ref = fingerprints(gen_path), fingerprints(ref_path)
        if cache:
            np.savez(cache, gen=np.array(gen, dtype=object), ref=np.array(ref, dtype=object))
    n_gen = len(gen)
    gen = [g for g in gen if g[0] is not None]
    ref = [r for r in ref if r[0] is not None]

    def scale(c):
        x = (np.array(c, dtype=float) - means) / stds
        return np.nan_to_num(x, nan=0.0)

    s_d = cdist(np.array([g[0] for g in gen]), np.array([r[0] for r in ref]))
    c_d = cdist(np.array([scale(g[1]) for g in gen]), np.array([scale(r[1]) for r in ref]))
    s_recall, s_prec = s_d.min(axis=0), s_d.min(axis=1)
    c_recall, c_prec = c_d.min(axis=0), c_d.min(axis=1)
    res = {
        "cov_recall": float(np.mean((s_recall <= float(struc_cut)) & (c_recall <= float(comp_cut)))),
        "cov_precision": float(np.sum((s_prec <= float(struc_cut)) & (c_prec <= float(comp_cut))) / n_gen),
        "amsd_recall": float(s_recall.mean()), "amsd_precision": float(s_prec.mean()),
        "amcd_recall": float(c_recall.mean()), "amcd_precision": float(c_prec.mean()),
        "generated": n_gen, "generated_with_fingerprint": len(gen), "reference_with_fingerprint": len(ref),
    }
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
