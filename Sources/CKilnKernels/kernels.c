#define _GNU_SOURCE
#include "kiln_kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Every product and sum is rounded on its own, in both variants (no fused multiply-add), so the
// AVX2 and baseline builds of each kernel give bit-identical results.
#pragma clang fp contract(off)
// 256-bit vectors pass between always-inlined helpers only, never across a call.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));

#define INLINE static inline __attribute__((always_inline))

INLINE v8f ld(const float *p) { v8f v; memcpy(&v, p, sizeof v); return v; }
INLINE void st(v8f v, float *p) { memcpy(p, &v, sizeof v); }
INLINE v8f splat(float s) { return (v8f){s, s, s, s, s, s, s, s}; }
INLINE v8u splatu(uint32_t s) { return (v8u){s, s, s, s, s, s, s, s}; }

/// Lanes of `a` where `mask` is set, else lanes of `b`.
INLINE v8f blend(v8i mask, v8f a, v8f b) { return (v8f)(((v8i)a & mask) | ((v8i)b & ~mask)); }

/// e^x for 8 floats (Cephes' single-precision polynomial, ≈1 ulp; inputs clamped to ±87).
INLINE v8f exp8(v8f v) {
    v8f x = blend(v < splat(-87), splat(-87), v);
    x = blend(x > splat(87), splat(87), x);
    // t = x·log2(e) + 1.5·2²³ holds round(x·log2 e) in its low mantissa bits.
    v8f magic = splat(12582912.0f);
    v8f t = x * splat(1.4426950408889634f) + magic;
    v8f n = t - magic;
    v8f r = x - n * splat(0.693359375f) + n * splat(2.1219444e-4f);
    v8f p = splat(1.98756915e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * r * r + r + splat(1);
    v8u bits = (((v8u)t - splatu(0x4B400000u)) + splatu(127u)) << splatu(23u);
    return p * (v8f)bits;
}

INLINE v8f sigmoid8(v8f x) { return splat(1) / (splat(1) + exp8(-x)); }
INLINE float sigmoid1(float x) { return 1 / (1 + expf(-x)); }

/// Σ of 64 floats f(0..8), f(8..16), …: the four 16-float quarters added lane by lane, then the
/// 16 lanes summed in order.
#define SUM64(result, EXPR)                                                    \
    do {                                                                       \
        int q_ = 0;                                                            \
        v8f lo_, hi_;                                                          \
        { const int q = 0; lo_ = (EXPR); }                                     \
        { const int q = 8; hi_ = (EXPR); }                                     \
        for (q_ = 16; q_ < 64; q_ += 16) {                                     \
            { const int q = q_; lo_ += (EXPR); }                               \
            { const int q = q_ + 8; hi_ += (EXPR); }                           \
        }                                                                      \
        float s_ = -0.0f;                                                      \
        for (int l_ = 0; l_ < 8; l_++) s_ += lo_[l_];                          \
        for (int l_ = 0; l_ < 8; l_++) s_ += hi_[l_];                          \
        (result) = s_;                                                         \
    } while (0)

/// LayerNorm of a 64-float row in place (biased variance, eps 1e-5); returns 1/std.
INLINE float normalize64(float *x) {
    float mean, var;
    SUM64(mean, ld(x + q));
    mean /= 64;
    SUM64(var, (ld(x + q) - splat(mean)) * (ld(x + q) - splat(mean)));
    float inv = 1 / sqrtf(var / 64 + 1e-5f);
    for (int q = 0; q < 64; q += 8) st((ld(x + q) - splat(mean)) * splat(inv), x + q);
    return inv;
}

/// g ← inv·(g − mean(g) − x̂·mean(g·x̂)) on a 64-float row.
INLINE void normalize64_backward(float *g, const float *xhat, float inv) {
    float mg, mgx;
    SUM64(mg, ld(g + q));
    SUM64(mgx, ld(g + q) * ld(xhat + q));
    mg /= 64;
    mgx /= 64;
    for (int q = 0; q < 64; q += 8)
        st(((ld(g + q) - splat(mg)) - ld(xhat + q) * splat(mgx)) * splat(inv), g + q);
}

INLINE void add_row(const float *s, float *o, long w) {
    long k = 0;
    for (; k + 8 <= w; k += 8) st(ld(o + k) + ld(s + k), o + k);
    for (; k < w; k++) o[k] += s[k];
}

INLINE void copy_row(const float *s, float *o, long w) {
    long k = 0;
    for (; k + 8 <= w; k += 8) st(ld(s + k), o + k);
    for (; k < w; k++) o[k] = s[k];
}

// MARK: kernel bodies (inlined into each variant)

INLINE void silu_body(const float *x, float *s, float *act, long count) {
    long k = 0;
    for (; k + 8 <= count; k += 8) {
        v8f v = ld(x + k), sv = sigmoid8(v);
        st(sv, s + k);
        st(v * sv, act + k);
    }
    for (; k < count; k++) { s[k] = sigmoid1(x[k]); act[k] = x[k] * s[k]; }
}

INLINE void silu_inplace_body(float *x, long count) {
    long k = 0;
    for (; k + 8 <= count; k += 8) {
        v8f v = ld(x + k);
        st(v * sigmoid8(v), x + k);
    }
    for (; k < count; k++) x[k] *= sigmoid1(x[k]);
}

INLINE void silu_derivative_mul_body(float *g, const float *h, const float *s, long count) {
    long k = 0;
    for (; k + 8 <= count; k += 8) {
        v8f hv = ld(h + k), sv = ld(s + k);
        st(ld(g + k) * sv * (splat(1) + hv * (splat(1) - sv)), g + k);
    }
    for (; k < count; k++) g[k] *= s[k] * (1 + h[k] * (1 - s[k]));
}

INLINE void gather_add_parts_body(const float *const *srcs, const int32_t *const *indices, int parts,
                                  float *out, long r0, long r1, long w) {
    for (long r = r0; r < r1; r++) {
        float *o = out + r * w;
        const float *row[4];
        int p0 = 0;
        for (; p0 < parts; p0 += 4) {  // four parts per pass over the row, in order
            int np = parts - p0 < 4 ? parts - p0 : 4;
            for (int p = 0; p < np; p++) row[p] = srcs[p0 + p] + (long)indices[p0 + p][r] * w;
            long k = 0;
            switch (np) {
            case 1: for (; k + 8 <= w; k += 8) st(ld(o + k) + ld(row[0] + k), o + k); break;
            case 2: for (; k + 8 <= w; k += 8) st((ld(o + k) + ld(row[0] + k)) + ld(row[1] + k), o + k); break;
            case 3:
                for (; k + 8 <= w; k += 8) st(((ld(o + k) + ld(row[0] + k)) + ld(row[1] + k)) + ld(row[2] + k), o + k);
                break;
            default:
                for (; k + 8 <= w; k += 8)
                    st((((ld(o + k) + ld(row[0] + k)) + ld(row[1] + k)) + ld(row[2] + k)) + ld(row[3] + k), o + k);
            }
            for (; k < w; k++)
                for (int p = 0; p < np; p++) o[k] += row[p][k];
        }
    }
}

/// s = sin x, c = cos x (glibc's sincos: the same values as sin and cos, one argument reduction).
void kiln_sincos(double x, double *s, double *c) { sincos(x, s, c); }

INLINE void scatter_sum_body(const float *src, const int32_t *index, float *out, long rows, long w, long targets) {
    unsigned char *seen = calloc((size_t)targets, 1);
    for (long r = 0; r < rows; r++) {
        long t = index[r];
        if (seen[t]) add_row(src + r * w, out + t * w, w);
        else { copy_row(src + r * w, out + t * w, w); seen[t] = 1; }
    }
    for (long t = 0; t < targets; t++)
        if (!seen[t]) memset(out + t * w, 0, (size_t)w * sizeof(float));
    free(seen);
}

INLINE void multiply_gathered64_body(const float *a, const float *b, const int32_t *index, float *out, long rows) {
    for (long r = 0; r < rows; r++) {
        const float *br = b + (long)index[r] * 64;
        for (int q = 0; q < 64; q += 8) st(ld(a + r * 64 + q) * ld(br + q), out + r * 64 + q);
    }
}

INLINE void gated_forward_body(float *z, const float *params, float *sy, float *out, float *inv, long rows) {
    const float *g1 = params, *b1 = params + 64, *g2 = params + 128, *b2 = params + 192;
    for (long r = 0; r < rows; r++) {
        float *zr = z + r * 128, *sr = sy + r * 128, *o = out + r * 64;
        inv[2 * r] = normalize64(zr);
        inv[2 * r + 1] = normalize64(zr + 64);
        for (int q = 0; q < 64; q += 8) {
            v8f y1 = ld(zr + q) * ld(g1 + q) + ld(b1 + q);
            v8f y2 = ld(zr + 64 + q) * ld(g2 + q) + ld(b2 + q);
            v8f s1 = sigmoid8(y1), s2 = sigmoid8(y2);
            st(s1, sr + q);
            st(s2, sr + 64 + q);
            st(y1 * s1 * s2, o + q);
        }
    }
}

INLINE void gated_backward_body(const float *xhat, const float *sy, const float *d, const float *params,
                                const float *inv, float *g, float *out, long rows) {
    const float *g1 = params, *b1 = params + 64, *g2 = params + 128;
    for (long r = 0; r < rows; r++) {
        const float *x = xhat + r * 128, *sg = sy + r * 128, *dr = d + r * 64;
        float *gr = g + r * 128, *o = out + r * 64;
        // through the gating and SiLU/σ to the LayerNorm outputs, then through the norms
        for (int q = 0; q < 64; q += 8) {
            v8f s1 = ld(sg + q), s2 = ld(sg + 64 + q), dq = ld(dr + q);
            v8f y1 = ld(x + q) * ld(g1 + q) + ld(b1 + q), a1 = y1 * s1;
            st(a1 * s2, o + q);
            st(dq * s2 * s1 * (splat(1) + y1 * (splat(1) - s1)) * ld(g1 + q), gr + q);
            st(dq * a1 * s2 * (splat(1) - s2) * ld(g2 + q), gr + 64 + q);
        }
        normalize64_backward(gr, x, inv[2 * r]);
        normalize64_backward(gr + 64, x + 64, inv[2 * r + 1]);
    }
}

// MARK: variants and dispatch

#if defined(__x86_64__)
#include <cpuid.h>
#define AVX2 __attribute__((target("avx2")))

/// AVX2 with the OS saving the 256-bit registers.
static int cpu_has_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0;
}
#else
#define AVX2
static int cpu_has_avx2(void) { return 0; }
#endif

static int variant = -1;

int kiln_kernels_variant(void) {
    if (variant < 0) variant = cpu_has_avx2();
    return variant;
}

int kiln_kernels_set_variant(int v) {
    variant = v == 1 ? cpu_has_avx2() : 0;
    return variant;
}

#define DISPATCH(name, params, args)                                           \
    static void name##_base params { name##_body args; }                       \
    AVX2 static void name##_avx2 params { name##_body args; }                  \
    void kiln_##name params {                                                  \
        if (kiln_kernels_variant()) name##_avx2 args; else name##_base args;   \
    }

DISPATCH(silu, (const float *x, float *s, float *act, long count), (x, s, act, count))
DISPATCH(silu_inplace, (float *x, long count), (x, count))
DISPATCH(silu_derivative_mul, (float *g, const float *h, const float *s, long count), (g, h, s, count))
DISPATCH(gather_add_parts, (const float *const *srcs, const int32_t *const *indices, int parts, float *out,
                            long r0, long r1, long w), (srcs, indices, parts, out, r0, r1, w))
DISPATCH(scatter_sum, (const float *src, const int32_t *index, float *out, long rows, long w, long targets),
         (src, index, out, rows, w, targets))
DISPATCH(multiply_gathered64, (const float *a, const float *b, const int32_t *index, float *out, long rows),
         (a, b, index, out, rows))
DISPATCH(gated_forward, (float *z, const float *params, float *sy, float *out, float *inv, long rows),
         (z, params, sy, out, inv, rows))
DISPATCH(gated_backward, (const float *xhat, const float *sy, const float *d, const float *params,
                          const float *inv, float *g, float *out, long rows),
         (xhat, sy, d, params, inv, g, out, rows))
