#ifndef KILN_KERNELS_H
#define KILN_KERNELS_H

#include <stdint.h>

/// Float32 row kernels of the CHGNet pass, compiled twice — for baseline x86-64 (SSE2) and for
/// AVX2 — and chosen at run time by what the CPU supports. Both variants do the same operations
/// in the same order (no fused multiply-add), so their results are bit-identical.

/// Which variant runs: 0 baseline, 1 AVX2.
int kiln_kernels_variant(void);
/// Forces a variant (for tests and benchmarks); returns the one now in use (AVX2 only if the CPU has it).
int kiln_kernels_set_variant(int variant);

/// act[k] = x[k]·σ(x[k]) and s[k] = σ(x[k]) for `count` values.
void kiln_silu(const float *x, float *s, float *act, long count);
/// x[k] ← x[k]·σ(x[k]) for `count` values (the forward pass alone: σ is not kept).
void kiln_silu_inplace(float *x, long count);
/// g[k] *= s(1 + h(1 − s)) with s = σ(h[k]) given.
void kiln_silu_derivative_mul(float *g, const float *h, const float *s, long count);
/// out[r, :] += Σ_p srcs[p][indices[p][r], :] for r in [r0, r1), the parts added in order.
void kiln_gather_add_parts(const float *const *srcs, const int32_t *const *indices, int parts,
                           float *out, long r0, long r1, long w);
/// *s = sin x, *c = cos x.
void kiln_sincos(double x, double *s, double *c);
/// out[t, :] = Σ_{r : index[r] = t} src[r, :] for t in [0, targets), rows added in order; rows
/// no index points at are zero (each row is written once instead of zero-filled first).
void kiln_scatter_sum(const float *src, const int32_t *index, float *out, long rows, long w, long targets);
/// out[r, :] = a[r, :] ⊙ b[index[r], :] for r in [0, rows), width 64.
void kiln_multiply_gathered64(const float *a, const float *b, const int32_t *index, float *out, long rows);

/// Gated-MLP tail for `rows` rows of z `[rows, 128]`: LayerNorm of each 64-half in place (x̂),
/// inv[2r], inv[2r+1] = 1/std, y = γ x̂ + β, sy = σ(y) `[rows, 128]`, out = SiLU(y₁)·σ(y₂) `[rows, 64]`.
/// `params` holds γ₁, β₁, γ₂, β₂ (256 floats).
void kiln_gated_forward(float *z, const float *params, float *sy, float *out, float *inv, long rows);
/// Its backward: from d `[rows, 64]` (∂E/∂out) to g `[rows, 128]` (∂E/∂z) and out recomputed.
void kiln_gated_backward(const float *xhat, const float *sy, const float *d, const float *params,
                         const float *inv, float *g, float *out, long rows);

#endif
