"""Reference answers for Kiln's VASP output readers (DFT.VASPRun, VASPOutcar, VASPSettings).

Takes VASP outputs from custodian's test files (MIT; https://github.com/materialsproject/custodian,
tests/files), drops the <dos>, <eigenvalues> and <projected> blocks of each vasprun.xml (Kiln and this
script do not read them; they are most of the bytes), gzips them into Tests/Fixtures/vasp, and writes
pymatgen's answers to Tests/Fixtures/vasp/expected.json: Vasprun.final_energy, final_structure,
the last ionic step's forces and stress, converged_electronic, converged_ionic, run_type, hubbards,
potcar_symbols, whether MaterialsProject2020Compatibility takes the run, and Outcar.final_energy.

Run: python scripts/make_vasp_outputs_fixture.py CUSTODIAN_TESTS_FILES_DIR (pymatgen installed)."""
import gzip, importlib.metadata, json, os, re, sys, warnings

import numpy as np

from pymatgen.entries.compatibility import MaterialsProject2020Compatibility
from pymatgen.io.vasp.outputs import Outcar, Vasprun

warnings.filterwarnings("ignore")
src = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, "Tests/Fixtures/vasp")
# fixture name: (vasprun.xml, OUTCAR or None), relative to custodian's tests/files
FILES = {
    "si-relax": ("io/vasprun.xml.gz", "io/OUTCAR.gz"),
    "feo-ggau-u4": ("postprocess/vasprun.xml", None),
    "nacl-static": ("lobster/vasp_lobster_output_v51/vasprun.xml", None),
    "al-r2scan": ("fermi_smearing/vasprun.xml", None),
    "v2o5-unconverged-electronic": ("unconverged/vasprun.xml.electronic", None),
    "ag-unconverged-ionic": ("unconverged/vasprun.xml.ionic", None),
}


def text(path):
    return (gzip.open(path, "rt") if path.endswith(".gz") else open(path)).read()


cases = []
for name, (xml, outcar) in FILES.items():
    s = text(os.path.join(src, xml))
    for tag in ("dos", "eigenvalues", "projected"):
        s = re.sub(r"\n\s*<%s>.*?</%s>" % (tag, tag), "", s, flags=re.S)
    xml_out = os.path.join(out, f"{name}.vasprun.xml.gz")
    with gzip.GzipFile(xml_out, "wb", mtime=0) as f:
        f.write(s.encode())
    v = Vasprun(xml_out, parse_dos=False, parse_eigen=False, parse_potcar_file=False)
    st = v.final_structure
    try:
        mp2020 = MaterialsProject2020Compatibility().process_entry(v.get_computed_entry(), on_error="raise") is not None
    except Exception:
        mp2020 = False
    case = {"name": name, "final_energy": float(v.final_energy), "n_ionic": len(v.ionic_steps),
            "lattice": st.lattice.matrix.tolist(), "species": [sp.symbol for sp in st.species], "frac_coords": st.frac_coords.tolist(),
            "forces": np.asarray(v.ionic_steps[-1]["forces"]).tolist(), "stress": np.asarray(v.ionic_steps[-1].get("stress", [])).tolist(),
            "converged_electronic": v.converged_electronic, "converged_ionic": v.converged_ionic, "run_type": v.run_type,
            "hubbards": v.hubbards, "potcar_symbols": v.potcar_symbols, "mp2020_compatible": mp2020}
    if outcar:
        o_out = os.path.join(out, f"{name}.OUTCAR.gz")
        with gzip.GzipFile(o_out, "wb", mtime=0) as f:
            f.write(text(os.path.join(src, outcar)).encode())
        case["outcar_final_energy"] = float(Outcar(o_out).final_energy)
    cases.append(case)
    print(name, case["final_energy"], case["run_type"], case["converged_electronic"], case["converged_ionic"], mp2020)
json.dump({"meta": {"pymatgen": importlib.metadata.version("pymatgen"), "source": "materialsproject/custodian tests/files (MIT)"},
           "cases": cases}, open(os.path.join(out, "expected.json"), "w"), indent=1)
