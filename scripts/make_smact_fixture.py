#!/usr/bin/env python3
"""Writes Tests/Fixtures/smact_validity.json.gz: SMACT 4.0.2 `smact_validity` answers for a fixed
sample of MP formulas (every 12th distinct formula of ../shared/data/structures/mp_cgcnn36k.jsonl.gz)
with the 'icsd24' and 'smact14' oxidation-state sets (Pauling test and alloys on, SMACT's defaults).

Run from the repository root with a Python that has smact 4.0.2 and pymatgen:
    python scripts/make_smact_fixture.py ../shared/data
"""
import gzip, json, os, sys

import smact
from smact.screening import smact_validity

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
formulas = sorted({json.loads(l)["formula"] for l in gzip.open(os.path.join(data, "structures/mp_cgcnn36k.jsonl.gz"))})
sample = formulas[::12]
rows = [{"formula": f,
         "icsd24": bool(smact_validity(f, oxidation_states_set="icsd24")),
         "smact14": bool(smact_validity(f, oxidation_states_set="smact14"))} for f in sample]
out = {"source": f"smact {smact.__version__} smact_validity(formula, oxidation_states_set=...)", "rows": rows}
with gzip.GzipFile("Tests/Fixtures/smact_validity.json.gz", "wb", mtime=0) as f:
    f.write(json.dumps(out).encode())
print(len(rows), "formulas;", sum(r["icsd24"] for r in rows), "valid (icsd24);", sum(r["smact14"] for r in rows), "valid (smact14)")
