"""Draw docs/reliability.svg: the calibration of the bundled learned models on the test tenth, from
the metrics stored in Sources/Properties/Resources/models/*.json.gz (written by `kiln train`).

Left: regressions (band gap, formation energy), observed share of test targets inside the central
interval mean ± zσ against its nominal probability. Right: is_metal, observed share of metals against
the mean predicted probability per tenth of probability (point area ∝ materials in the bin).
Composition models dashed, structure models solid; the diagonal is perfect calibration.

Usage (repo root): venv/bin/python scripts/plot_reliability.py [docs/reliability.svg]
"""
import gzip
import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

MODELS = "Sources/Properties/Resources/models/"
plt.rcParams["svg.hashsalt"] = "kiln"  # stable ids: the file only changes when the numbers do


def metrics(name):
    with gzip.open(MODELS + name + ".json.gz", "rt") as f:
        return json.load(f)["metrics"]


def main(out="docs/reliability.svg"):
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 4.2))
    for prop, colour in [("band_gap", "tab:blue"), ("formation_energy", "tab:orange")]:
        for suffix, style, label in [("", "--", "composition"), ("-structure", "-", "structure")]:
            r = metrics(prop + suffix)["intervalReliability"]
            a.plot([p[0] for p in r], [p[1] for p in r], style, marker="o", ms=3, color=colour, label=f"{prop} ({label})")
    a.plot([0, 1], [0, 1], color="grey", lw=0.8)
    a.set(xlabel="nominal central-interval probability", ylabel="observed share of test targets inside",
          title="Regressions: mean ± zσ", xlim=(0, 1), ylim=(0, 1))
    a.legend(fontsize=7, loc="upper left")
    for suffix, style, label in [("", "--", "composition"), ("-structure", "-", "structure")]:
        r = metrics("is_metal" + suffix)["probabilityReliability"]
        b.plot([p[1] for p in r], [p[2] for p in r], style, color="tab:green", label=f"is_metal ({label})")
        b.scatter([p[1] for p in r], [p[2] for p in r], s=[max(4, p[0] / 10) for p in r], color="tab:green", alpha=0.5)
    b.plot([0, 1], [0, 1], color="grey", lw=0.8)
    b.set(xlabel="mean predicted P(metal) per tenth", ylabel="observed share of metals",
          title="Classifier: probability reliability", xlim=(0, 1), ylim=(0, 1))
    b.legend(fontsize=7, loc="upper left")
    fig.suptitle("Calibration of the bundled models on the test tenth (3,689 materials)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, metadata={"Date": None})


if __name__ == "__main__":
    main(*sys.argv[1:])
