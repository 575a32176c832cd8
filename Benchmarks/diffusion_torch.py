"""PyTorch twin of Kiln's diffusion denoiser (DiffCSP's CSPNet as Sources/Diffusion/Denoiser.swift
builds it), for timing a training step and a sampling run side by side with `kiln-bench diffusion`.

The weights and configuration come from a Kiln model file (safetensors, configuration in its
metadata), so both sides run the same architecture at the same size. Inputs: NUM crystals of the
model's most common atom count (perov5: 5 atoms), random coordinates and lattices (the cost does
not depend on the values). Training step = forward, DiffCSP's three MSE losses, backward, gradient
clipping and AdamW; sampling = DiffCSP's predictor-corrector loop (two network passes per timestep,
four with guidance) over all timesteps.

    venv/bin/python Benchmarks/diffusion_torch.py --model Sources/Diffusion/Resources/models/perov5.safetensors \
        --threads 2 [--batch 64] [--steps 20] [--sample 100] [--timesteps 1000] [--guidance]
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_model(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    meta = header.pop("__metadata__")
    tensors = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(blob[a:b], dtype=np.float32).reshape(info["shape"]).copy())
    return json.loads(meta["config"]), tensors


class CSPNet(torch.nn.Module):
    def __init__(self, config, tensors):
        super().__init__()
        self.c = config
        self.w = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in tensors.items()})

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def lin(self, x, name, bias=True):
        return F.linear(x, self.p(name + ".weight"), self.p(name + ".bias") if bias else None)

    def time_embedding(self, t):
        half = self.c["timeEmbedding"] // 2
        freq = torch.exp(-torch.arange(half) * (math.log(10000.0) / (half - 1)))
        angle = t.float()[:, None] * freq[None, :]
        return torch.cat([angle.sin(), angle.cos()], dim=1)

    def forward(self, types, frac, lattices, t, type_t, cond, g):
        c, h = self.c, self.c["hidden"]
        src, dst, graph, egraph, counts, atom_degree = g
        node = self.lin(types, "type")
        parts = [node, self.time_embedding(t)[graph]]
        if c["generatesTypes"]:
            parts.append(self.time_embedding(type_t)[graph])
        if cond is not None:
            parts.append(cond[graph])
        node = self.lin(torch.cat(parts, dim=1), "latent")
        k = c["frequencies"]
        d = torch.remainder(frac[dst] - frac[src], 1.0)
        angle = 2 * math.pi * d[:, :, None] * torch.arange(k)[None, None, :]
        fourier = torch.cat([angle.sin().reshape(-1, 3 * k), angle.cos().reshape(-1, 3 * k)], dim=1)
        products = (lattices @ lattices.transpose(1, 2)).reshape(-1, 9)
        for layer in range(c["layers"]):
            p = f"layer.{layer}."
            normed = F.layer_norm(node, (h,), self.p(p + "norm.gamma"), self.p(p + "norm.beta"))
            e = (F.linear(normed, self.p(p + "edge0.source"))[src] + F.linear(normed, self.p(p + "edge0.target"))[dst]
                 + F.linear(products, self.p(p + "edge0.lattice"))[egraph]
                 + F.linear(fourier, self.p(p + "edge0.fourier"), self.p(p + "edge0.bias")))
            e = F.silu(self.lin(F.silu(e), p + "edge1"))
            aggregated = torch.zeros_like(normed).index_add_(0, src, e) / atom_degree[:, None]
            update = F.silu(self.lin(F.silu(self.lin(torch.cat([normed, aggregated], dim=1), p + "node0")), p + "node1"))
            node = node + update
        node = F.layer_norm(node, (h,), self.p("final.gamma"), self.p("final.beta"))
        coordinates = F.linear(node, self.p("coordinate.weight"))
        pooled = torch.zeros(len(counts), h).index_add_(0, graph, node) / counts[:, None]
        lattice = F.linear(pooled, self.p("lattice.weight")).reshape(-1, 3, 3) @ lattices
        out_types = self.lin(node, "types") if c["generatesTypes"] else None
        return lattice, coordinates, out_types


def batch_graph(counts):
    src, dst, graph, egraph, start = [], [], [], [], 0
    for b, n in enumerate(counts):
        for i in range(n):
            for j in range(n):
                src.append(start + i); dst.append(start + j); egraph.append(b)
        graph += [b] * n
        start += n
    t = lambda x: torch.tensor(x, dtype=torch.long)
    counts_t = torch.tensor(counts, dtype=torch.float32)
    return t(src), t(dst), t(graph), t(egraph), counts_t, counts_t[t(graph)]


def inputs(config, counts, generator):
    n, v, b = sum(counts), len(config["species"]), len(counts)
    width = (len(config["species"]) + 1 if config["conditionsOnSystem"] else 0) + (2 if config.get("property") else 0)
    types = F.one_hot(torch.randint(v, (n,), generator=generator), v).float()
    frac = torch.rand(n, 3, generator=generator)
    lattices = torch.randn(b, 3, 3, generator=generator) + 4 * torch.eye(3)
    cond = torch.zeros(b, width) if width else None
    return types, frac, lattices, cond


def median_time(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=20, help="timed training steps (median reported)")
    ap.add_argument("--sample", type=int, default=100, help="crystals sampled together")
    ap.add_argument("--timesteps", type=int, default=None, help="sampling timesteps (default: the model's)")
    ap.add_argument("--guidance", action="store_true", help="also time guided sampling (two passes per prediction)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    config, tensors = read_model(args.model)
    model = CSPNet(config, tensors)
    atoms = max(config["atomCounts"].items(), key=lambda kv: kv[1])[0]
    gen = torch.Generator().manual_seed(0)
    result = {"torch": torch.__version__, "threads": args.threads, "atoms": int(atoms),
              "parameters": sum(p.numel() for p in model.parameters())}

    # Training step: forward, losses, backward, clipping, AdamW.
    counts = [int(atoms)] * args.batch
    g = batch_graph(counts)
    types, frac, lattices, cond = inputs(config, counts, gen)
    t = torch.randint(1, config["timesteps"] + 1, (args.batch,), generator=gen)
    targets = (torch.randn(args.batch, 3, 3), torch.randn(len(frac), 3), torch.randn(len(frac), len(config["species"])))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0)

    def step():
        opt.zero_grad()
        lattice, coords, out_types = model(types, frac, lattices, t, t, cond, g)
        loss = F.mse_loss(lattice, targets[0]) + F.mse_loss(coords, targets[1])
        if out_types is not None:
            loss = loss + F.mse_loss(out_types, targets[2])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
    result["train_step_seconds"] = median_time(step, args.steps)
    result["train_batch"] = args.batch

    # Sampling: predictor-corrector over every timestep, as Kiln's DiffusionSampler (CSP: types given).
    counts = [int(atoms)] * args.sample
    g = batch_graph(counts)
    timesteps = args.timesteps or config["timesteps"]

    def sample(guided):
        types, frac, lattices, cond = inputs(config, counts, gen)
        b = len(counts)
        with torch.no_grad():
            for step_t in range(timesteps, 0, -1):
                tt = torch.full((b,), step_t, dtype=torch.long)
                for _ in range(2):  # corrector, then predictor
                    lattice, score, _ = model(types, frac, lattices, tt, torch.zeros_like(tt), cond, g)
                    if guided:
                        ul, us, _ = model(types, frac, lattices, tt, torch.zeros_like(tt), cond, g)
                        lattice, score = ul + 2 * (lattice - ul), us + 2 * (score - us)
                    frac = torch.remainder(frac + 1e-5 * score + 1e-3 * torch.randn_like(frac), 1.0)
                lattices = 0.99 * (lattices - 0.01 * lattice) + 0.01 * torch.randn_like(lattices)
    start = time.perf_counter(); sample(False)
    result["sample_seconds"] = time.perf_counter() - start
    result["sample_crystals"], result["sample_timesteps"] = args.sample, timesteps
    if args.guidance:
        start = time.perf_counter(); sample(True)
        result["guided_sample_seconds"] = time.perf_counter() - start
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
