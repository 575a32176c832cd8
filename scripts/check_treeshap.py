"""Cross-check of Kiln's TreeSHAP with the shap package: the bundled models' trees (with their node
covers) handed to shap's TreeExplainer (feature_perturbation="tree_path_dependent") as custom
tree dictionaries, one explainer per ensemble member, values averaged over the members as Kiln
does; compared with `kiln predict FILE --explain --top 146 --json` on the same feature rows.

Run from the repository root: venv/bin/python scripts/check_treeshap.py KILN FILE... (needs
`venv/bin/pip install shap`; KILN is a built kiln, e.g. .build/release/kiln).
"""
import gzip
import json
import subprocess
import sys

import numpy as np
import shap

PROPERTIES = ["band_gap", "is_metal", "formation_energy"]


def tree_dict(t):
    """One RegressionTree (Kiln's compact coding) as shap's tree dictionary; missing goes left."""
    feature = t["feature"]
    n = len(feature)
    splits = [k for k in range(n) if feature[k] >= 0]
    leaves = [k for k in range(n) if feature[k] < 0]
    left, right, threshold, value = [-1] * n, [-1] * n, [0.0] * n, [0.0] * n
    for k, node in enumerate(splits):
        th = t["threshold"][k]
        threshold[node] = float("-inf") if th == "-inf" else float(np.float32(th))
        left[node], right[node] = t["left"][k], t["left"][k] + 1
    for k, node in enumerate(leaves):
        value[node] = float(np.float32(t["value"][k]))
    return dict(children_left=np.array(left), children_right=np.array(right), children_default=np.array(left),
                features=np.array([f if f >= 0 else -2 for f in feature]), thresholds=np.array(threshold),
                values=np.array(value).reshape(-1, 1),
                node_sample_weight=np.array([float(np.float32(c)) for c in t["cover"]]))


def explainer(member):
    model = dict(trees=[tree_dict(t) for t in member["trees"]], base_offset=member["baseScore"],
                 tree_output="raw_value", input_dtype=np.float64, internal_dtype=np.float64)
    return shap.TreeExplainer(model, feature_perturbation="tree_path_dependent")


def main(kiln, files):
    worst = 0.0
    for prop in PROPERTIES:
        model = json.load(gzip.open(f"Sources/Properties/Resources/models/{prop}.json.gz"))
        names = model["featureNames"]
        explainers = [explainer(m) for m in model["ensemble"]["members"]]
        for path in files:
            out = subprocess.run([kiln, "predict", path, "--property", prop, "--explain", "--top", str(len(names)), "--json"],
                                 check=True, capture_output=True, text=True).stdout
            record = json.loads(out)[0][prop]["explanation"]
            by_name = {c["feature"]: c for c in record["contributions"]}
            x = np.array([[by_name[n]["value"] for n in names]])
            phi = np.mean([e.shap_values(x)[0] for e in explainers], axis=0)
            base = np.mean([e.expected_value for e in explainers])
            kiln_phi = np.array([by_name[n]["contribution"] for n in names])
            d = max(np.abs(phi - kiln_phi).max(), abs(base - record["base"]))
            worst = max(worst, d)
            print(f"{prop} {path}: max |shap - kiln| {d:.2e} (base {base:.6f})")
    print(f"worst difference {worst:.2e} (shap {shap.__version__})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
