"""PyTorch reference for `kiln-bench tensor`: sgemm at the same shapes and the same
gated message-passing block (2000 atoms, 50000 edges, width 64, float32).

Run: OPENBLAS_CORETYPE=SkylakeX venv/bin/python Benchmarks/tensor_torch.py
"""
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)


def best(fn, seconds=0.5):
    """Smallest wall and process-CPU seconds over single calls (as `kiln-bench tensor`)."""
    fn()
    wall = cpu = float("inf")
    spent, calls = 0.0, 0
    while spent < seconds or calls < 3:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        dt = time.perf_counter() - t0
        wall, cpu = min(wall, dt), min(cpu, time.process_time() - c0)
        spent += dt
        calls += 1
    return wall, cpu


for m, k, n in [(1000, 64, 64), (10000, 64, 64), (50000, 64, 64), (50000, 192, 64), (512, 512, 512), (2048, 2048, 2048)]:
    a, b = torch.rand(m, k), torch.rand(k, n)
    t, c = best(lambda: a @ b)
    print(f"sgemm {m}x{k}x{n}: {t * 1e3:.3f} ms, {2 * m * k * n / t / 1e9:.1f} GFLOP/s, CPU {c * 1e3:.3f} ms")


def block(atoms, edges, d=64):
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

    (fw, fc), (gw, gc) = best(forward), best(gradient)
    print(f"block {atoms} atoms {edges} edges: forward {fw * 1e3:.2f} ms (CPU {fc * 1e3:.2f}), forward + gradient {gw * 1e3:.2f} ms (CPU {gc * 1e3:.2f})")


block(2000, 50000)
block(100, 3000)
