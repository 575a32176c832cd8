#!/usr/bin/env python3
"""Convert a SevenNet checkpoint from the `sevenn` wheel into Kiln's model folder.

Usage: convert_sevennet.py {7net-0|7net-l3i5} OUT_DIR [--check N]

Writes OUT_DIR/config.json (architecture: cutoff, radial basis, irreps of every layer, the
tensor-product instructions with e3nn's path weights, convolution denominators, activation
constants, species order) and OUT_DIR/weights.safetensors (float32). Every linear map is
stored as the *effective* matrix e3nn applies, found by probing the module with unit inputs, so
the Swift pass needs no knowledge of e3nn's weight normalisation:
  embedding          [species, C]       row of the species' one-hot linear map
  L.sc.l / L.si1.l / L.si2.l  [out, in]  self-connection and self-interaction linears per l
                                         (si2's input is the convolution output, same-l blocks
                                         concatenated in e3nn's sorted order)
  L.fc.k             [out, in]          radial MLP layer k (e3nn FullyConnectedNet, 1/sqrt(fan-in) folded in)
  bessel             [B]                trained Bessel frequencies
  readout.hidden, readout.energy        the two linear readouts
  shift, scale       [species]          per-species energy scale and shift
With --check N the converted model is re-run in NumPy (energy only, e3nn's wigner_3j) on N
structures of ../shared/fixtures/structures.json and compared with sevenn's calculator.
Needs: pip install sevenn==0.13.0 safetensors (MIT licence; see LICENSE.sevennet).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(2)
CHECKPOINTS = {"7net-0": "SevenNet_0__11Jul2024", "7net-l3i5": "SevenNet_l3i5"}
NAMES = {"7net-0": "sevennet-0", "7net-l3i5": "sevennet-l3i5"}


def irreps_list(irreps):
    return [[mul, ir.l] for mul, ir in irreps]


def probe_linear(linear, irreps_in, irreps_out):
    """Effective matrices {l: [out, in]} of an e3nn Linear (same-l blocks concatenated in order)."""
    w = {}
    offsets_in, off = [], 0
    for mul, ir in irreps_in:
        offsets_in.append(off)
        off += mul * ir.dim
    offsets_out, off = [], 0
    for mul, ir in irreps_out:
        offsets_out.append(off)
        off += mul * ir.dim
    for l in sorted({ir.l for _, ir in irreps_in} & {ir.l for _, ir in irreps_out}):
        rows = []
        for (mul, ir), o in zip(irreps_in, offsets_in):
            if ir.l != l:
                continue
            x = torch.zeros(mul, irreps_in.dim)
            for u in range(mul):
                x[u, o + u * ir.dim] = 1.0
            with torch.no_grad():
                y = linear(x)
            cols = [y[:, oo + v * ir2.dim] for (m2, ir2), oo in zip(irreps_out, offsets_out) if ir2.l == l
                    for v in range(m2)]
            rows.append(torch.stack(cols, dim=1))  # [mul_in, out]
        w[l] = torch.cat(rows, dim=0).T.contiguous().numpy().astype(np.float32)  # [out, in]
    return w


def convert(name, out):
    from sevenn.calculator import SevenNetCalculator

    calc = SevenNetCalculator(model=name, device="cpu")
    m = calc.model
    ck = torch.load(os.path.join(os.path.dirname(__import__("sevenn").__file__), "pretrained_potentials",
                                 CHECKPOINTS[name], os.listdir(os.path.join(os.path.dirname(
                                     __import__("sevenn").__file__), "pretrained_potentials", CHECKPOINTS[name]))[0]),
                    map_location="cpu", weights_only=False)
    cfg = ck["config"]
    tensors = {}
    mods = m._modules
    species_z = [int(z) for z in sorted(cfg["_type_map"], key=lambda z: cfg["_type_map"][z])]
    emb = mods["onehot_to_feature_x"].linear
    n_species = len(species_z)
    with torch.no_grad():
        tensors["embedding"] = emb(torch.eye(n_species)).numpy().astype(np.float32)
    ee = mods["edge_embedding"]
    tensors["bessel"] = ee.basis_function.coeffs.detach().numpy().astype(np.float32)
    cf = ee.cutoff_function
    if cf.__class__.__name__ == "XPLORCutoff":
        cutoff_function = {"name": "xplor", "r_on": float(cf.r_on)}
    else:
        cutoff_function = {"name": "poly_cut", "p": int(cf.p)}
    layers = []
    k = 0
    while f"{k}_convolution" in mods:
        sc = mods[f"{k}_self_connection_intro"].linear
        si1 = mods[f"{k}_self_interaction_1"].linear
        conv = mods[f"{k}_convolution"]
        si2 = mods[f"{k}_self_interaction_2"].linear
        gate = mods[f"{k}_equivariant_gate"].gate
        for tag, lin in (("sc", sc), ("si1", si1), ("si2", si2)):
            for l, w in probe_linear(lin, lin.irreps_in, lin.irreps_out).items():
                tensors[f"{k}.{tag}.{l}"] = w
        for i, layer in enumerate(conv.weight_nn):
            assert layer.var_in == 1 and layer.var_out == 1
            tensors[f"{k}.fc.{i}"] = (layer.weight.detach() / layer.h_in ** 0.5).T.contiguous().numpy().astype(np.float32)
        tp = conv.convolution
        ins = []
        for inst in tp.instructions:
            assert inst.connection_mode == "uvu"
            mul, ir1 = tp.irreps_in1[inst.i_in1]
            ins.append({"l1": ir1.l, "l2": tp.irreps_in2[inst.i_in2].ir.l, "l3": tp.irreps_out[inst.i_out].ir.l,
                        "mul": mul, "path_weight": float(inst.path_weight)})
        ls = [inst["l3"] for inst in ins]
        assert ls == sorted(ls), "instructions must be grouped by output l"
        act_cst = [float(a.cst) for a in gate.act_scalars.acts]
        gate_cst = [float(a.cst) for a in gate.act_gates.acts] if len(gate.irreps_gates) else []
        assert all(str(a.f.__name__) == "silu" for a in list(gate.act_scalars.acts) + list(gate.act_gates.acts))
        layers.append({
            "irreps_in": irreps_list(si1.irreps_in),
            "irreps_gate_in": irreps_list(gate.irreps_in),
            "irreps_out": irreps_list(gate.irreps_out),
            "scalars": int(gate.irreps_scalars.num_irreps),
            "gates": int(gate.irreps_gates.num_irreps),
            "scalar_activation_constant": act_cst[0],
            "gate_activation_constant": gate_cst[0] if gate_cst else None,
            "conv_denominator": float(conv.denominator.item()),
            "instructions": ins,
            "radial_hidden": [int(l.h_out) for l in conv.weight_nn][:-1],
            "radial_activation_constant": float(conv.weight_nn[0].act.cst),
        })
        k += 1
    for tag, key in (("readout.hidden", "reduce_input_to_hidden"), ("readout.energy", "reduce_hidden_to_energy")):
        lin = mods[key].linear
        tensors[tag] = probe_linear(lin, lin.irreps_in, lin.irreps_out)[0]
    rs = mods["rescale_atomic_energy"]
    tensors["shift"] = rs.shift.detach().numpy().reshape(-1).astype(np.float32)
    tensors["scale"] = rs.scale.detach().numpy().reshape(-1).astype(np.float32)
    config = {
        "model": NAMES[name],
        "version": f"sevenn 0.13.0 '{name}' ({CHECKPOINTS[name]}, sevenn {cfg.get('version')})",
        "cutoff": float(cfg["cutoff"]),
        "cutoff_function": cutoff_function,
        "bessel_prefactor": float(ee.basis_function.prefactor),
        "lmax": int(cfg["lmax"]),
        "species": species_z,
        "layers": layers,
        "stress_unit_factor_eV_per_A3_to_GPa": 160.21766208,
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    from safetensors.numpy import save_file
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, os.path.join(out, "weights.safetensors"))
    print(f"{out}: {sum(v.size for v in tensors.values())} parameters in {len(tensors)} tensors")
    return calc


# ---------- NumPy re-run of the converted model (energy) ----------
def silu(x):
    return x / (1 + np.exp(-x))


def sph(vec, lmax):
    r = vec / np.linalg.norm(vec, axis=1, keepdims=True)
    import e3nn.o3 as o3
    return o3.spherical_harmonics(list(range(lmax + 1)), torch.tensor(r), normalize=False,
                                  normalization="component").numpy()


def numpy_energy(folder, atoms):
    from ase.neighborlist import primitive_neighbor_list
    import e3nn.o3 as o3
    from safetensors.numpy import load_file
    cfg = json.load(open(os.path.join(folder, "config.json")))
    w = load_file(os.path.join(folder, "weights.safetensors"))
    w = {k: v.astype(np.float64) for k, v in w.items()}
    rc = cfg["cutoff"]
    i, j, S = primitive_neighbor_list("ijS", atoms.pbc, atoms.cell.array, atoms.positions, rc, self_interaction=False)
    vec = atoms.positions[j] + S @ atoms.cell.array - atoms.positions[i]
    r = np.linalg.norm(vec, axis=1)
    basis = cfg["bessel_prefactor"] * np.sin(w["bessel"][None] * r[:, None]) / r[:, None]
    cf = cfg["cutoff_function"]
    if cf["name"] == "xplor":
        ron = cf["r_on"]
        env = np.where(r < ron, 1.0, (rc**2 - r**2) ** 2 * (rc**2 + 2 * r**2 - 3 * ron**2) / (rc**2 - ron**2) ** 3)
    else:
        p, x = cf["p"], r / rc
        env = 1 - (p + 1) * (p + 2) / 2 * x**p + p * (p + 2) * x ** (p + 1) - p * (p + 1) / 2 * x ** (p + 2)
    radial = basis * env[:, None]
    lmax = cfg["lmax"]
    Y = sph(vec, lmax)
    Yl = {l: Y[:, l * l:(l + 1) * (l + 1)] for l in range(lmax + 1)}
    index = {z: t for t, z in enumerate(cfg["species"])}
    types = [index[z] for z in atoms.numbers]
    n = len(atoms)
    x = {0: w["embedding"][types][:, None, :]}  # l -> [N, 2l+1, mul]
    for k, L in enumerate(cfg["layers"]):
        def lin(tag, feats):
            return {l: feats[l] @ w[f"{k}.{tag}.{l}"].T for l in feats if f"{k}.{tag}.{l}" in w}
        sc = lin("sc", x)
        h = lin("si1", x)
        hidden = radial
        nfc = len(L["radial_hidden"]) + 1
        for t in range(nfc):
            hidden = hidden @ w[f"{k}.fc.{t}"].T
            if t < nfc - 1:
                hidden = L["radial_activation_constant"] * silu(hidden)
        mid, off = {}, 0
        for ins in L["instructions"]:
            l1, l2, l3, mul = ins["l1"], ins["l2"], ins["l3"], ins["mul"]
            C = o3.wigner_3j(l1, l2, l3, dtype=torch.float64).numpy()
            xj = h[l1][j]  # [E, m1, u]
            msg = np.einsum("abc,eb,eau->ecu", C, Yl[l2], xj) * hidden[:, None, off:off + mul] * ins["path_weight"]
            off += mul
            mid.setdefault(l3, []).append(msg)
        agg = {}
        for l3, parts in mid.items():
            m = np.concatenate(parts, axis=2)
            a = np.zeros((n,) + m.shape[1:])
            np.add.at(a, i, m)
            agg[l3] = a / L["conv_denominator"]
        h = lin("si2", agg)
        h = {l: h[l] + sc[l] if l in sc else h[l] for l in h}
        ns, ng = L["scalars"], L["gates"]
        s = h[0][:, :, :ns]
        g = h[0][:, :, ns:ns + ng]
        out = {0: L["scalar_activation_constant"] * silu(s)}
        off = 0
        for l in sorted(h):
            if l == 0:
                continue
            mul = h[l].shape[2]
            out[l] = h[l] * (L["gate_activation_constant"] * silu(g[:, :, off:off + mul]))
            off += mul
        x = out
    e = x[0][:, 0, :] @ w["readout.hidden"].T @ w["readout.energy"].T
    e = e[:, 0] * w["scale"][types] + w["shift"][types]
    return float(e.sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=sorted(CHECKPOINTS))
    ap.add_argument("out")
    ap.add_argument("--check", type=int, default=0)
    a = ap.parse_args()
    calc = convert(a.model, a.out)
    if a.check:
        from pymatgen.io.ase import AseAtomsAdaptor
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools", "fixtures"))
        from common import read_json, struct_from_dict
        doc = read_json(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "fixtures", "structures.json"))
        done = 0
        for rec in doc["structures"]:
            s = struct_from_dict(rec["structure"])
            if len(s) > 16 or not s.is_ordered:
                continue
            atoms = AseAtomsAdaptor.get_atoms(s)
            try:
                atoms.calc = calc
                ref = atoms.get_potential_energy()
            except Exception:
                continue
            mine = numpy_energy(a.out, atoms)
            print(f"{rec['id']:50s} sevenn {ref:14.6f}  numpy {mine:14.6f}  diff/atom {(mine - ref) / len(s):.2e}")
            done += 1
            if done >= a.check:
                break


if __name__ == "__main__":
    main()
