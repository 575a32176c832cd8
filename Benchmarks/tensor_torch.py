"""PyTorch reference for `kiln bench tensor`: sgemm at the same shapes and the same
gated message-passing block (2000 atoms, 50000 edges, width 64, float32).

Run: OPENBLAS_CORETYPE=SkylakeX /work/venv/bin/python Benchmarks/tensor_torch.py
"""
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)


def best(fn, seconds=0.5):
    fn()
    best_t, spent, calls = float("inf"), 0.0, 1
    while spent < seconds:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        dt = time.perf_counter() - t0
        best_t = min(best_t, dt / calls)
        spent += dt
        if dt < 0.05:
            calls *= 2
    return best_t


for m, k, n in [(1000, 64, 64), (10000, 64, 64), (50000, 64, 64), (50000, 192, 64), (512, 512, 512), (2048, 2048, 2048)]:
    a, b = torch.rand(m, k), torch.rand(k, n)
    t = best(lambda: a @ b)
    print(f"sgemm {m}x{k}x{n}: {t * 1e3:.3f} ms, {2 * m * k * n / t / 1e9:.1f} GFLOP/s")

atoms, edges, d = 2000, 50000, 64
src = torch.randint(0, atoms, (edges,))
dst = torch.randint(0, atoms, (edges,))
h0, bond = torch.rand(atoms, d) - 0.5, torch.rand(edges, d) - 0.5
w_core, w_gate, bias = torch.rand(d, 3 * d) - 0.5, torch.rand(d, 3 * d) - 0.5, torch.rand(d) - 0.5
gamma, beta, w_out = torch.rand(d) - 0.5, torch.rand(d) - 0.5, torch.rand(d, d) - 0.5
ln = torch.nn.functional.layer_norm


def layer(h):
    x = torch.cat([h.index_select(0, src), h.index_select(0, dst), bond], dim=1)
    core = torch.nn.functional.silu(ln(torch.nn.functional.linear(x, w_core, bias), (d,), gamma, beta))
    gate = torch.sigmoid(ln(torch.nn.functional.linear(x, w_gate, bias), (d,), gamma, beta))
    msg = torch.nn.functional.linear(core * gate, w_out)
    return h + torch.zeros(atoms, d).index_add_(0, dst, msg)


def forward():
    with torch.no_grad():
        layer(h0).sum()


def gradient():
    h = h0.clone().requires_grad_(True)
    torch.autograd.grad(layer(h).sum(), h)


print(f"block forward {best(forward) * 1e3:.2f} ms, forward + gradient {best(gradient) * 1e3:.2f} ms")
