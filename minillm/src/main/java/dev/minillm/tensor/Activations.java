package dev.minillm.tensor;

import dev.minillm.common.Simd;

/**
 * The non-linearities (激活函数) between linear layers, elementwise, each with its derivative.
 * Without them a stack of linear layers would collapse into one linear map.
 *
 * <p>Each loop runs over a range of indices that {@link Parallel#forRange} hands out: on a large
 * tensor (a transformer's MLP has millions of activations) the cores share the work, since an
 * exponential per element costs more than moving the element through memory.
 *
 * <p>Every loop body comes twice. The plain loops here ({@code tanhRange}, {@code sigmoidRange},
 * ...) are the readable reference; {@link VectorActivations} does the same arithmetic on whole
 * vectors when {@link Simd#AVAILABLE}. Both compute e^x with the polynomial of {@link #exp}
 * rather than {@code Math.exp} (or the Vector API's {@code EXP}, whose last bit changes once the
 * JIT compiles it), and both do the same float operations in the same order, so they give the
 * same bits: the result never depends on the JIT, on the vector width or on how many threads
 * shared the loop.
 */
final class Activations {

    /** √(2/π), from GELU's tanh approximation. */
    static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    static final float GELU_CUBIC = 0.044715f;
    /** 3·0.044715, the derivative's coefficient (folded by the compiler, in float, as written). */
    static final float GELU_CUBIC_3 = 3f * GELU_CUBIC;

    /** log₂e, and ln 2 split in two parts (the first has few enough digits that n·LN2_HIGH is exact): for {@link #exp}. */
    static final float LOG2E = 1.44269504f, LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: adding it to a float of magnitude below 2^22 rounds it to an integer n, and the sum's bits are 0x4B400000 + n. */
    static final float ROUNDER = 12582912f;
    /** Above EXP_MAX, e^x is +∞ (2^n would not fit the exponent bits); below EXP_MIN, 0. */
    static final float EXP_MAX = 88.3f, EXP_MIN = -87.3f;
    /** Cephes' e^r polynomial for |r| ≤ ln 2 / 2, highest power first. */
    static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** Below this |u|, tanh u is an odd polynomial (1 - 2/(e^2u + 1) would lose digits to cancellation). */
    static final float TANH_SMALL = 0.625f;
    /** Cephes' tanhf polynomial in u², highest power first. */
    static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    private Activations() {}

    /** y = tanh x: dy/dx = 1 - y². */
    static Tensor tanh(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            if (Simd.AVAILABLE) { // VectorActivations is only loaded when the module exists
                VectorActivations.tanh(x, y, from, to);
            } else {
                tanhRange(x, y, from, to);
            }
        });
        return Autograd.record("tanh", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                if (Simd.AVAILABLE) {
                    VectorActivations.tanhBackward(g, y, ga, from, to);
                } else {
                    tanhBackwardRange(g, y, ga, from, to);
                }
            });
        }, a);
    }

    /** y = 1 / (1 + e^-x): dy/dx = y·(1 - y). */
    static Tensor sigmoid(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            if (Simd.AVAILABLE) {
                VectorActivations.sigmoid(x, y, from, to);
            } else {
                sigmoidRange(x, y, from, to);
            }
        });
        return Autograd.record("sigmoid", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                if (Simd.AVAILABLE) {
                    VectorActivations.sigmoidBackward(g, y, ga, from, to);
                } else {
                    sigmoidBackwardRange(g, y, ga, from, to);
                }
            });
        }, a);
    }

    /** y = max(0, x): dy/dx = 1 where x > 0, else 0. */
    static Tensor relu(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            if (Simd.AVAILABLE) {
                VectorActivations.relu(x, y, from, to);
            } else {
                reluRange(x, y, from, to);
            }
        });
        return Autograd.record("relu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                if (Simd.AVAILABLE) {
                    VectorActivations.reluBackward(g, x, ga, from, to);
                } else {
                    reluBackwardRange(g, x, ga, from, to);
                }
            });
        }, a);
    }

    /**
     * GELU, tanh approximation (GPT-2): y = ½x(1 + t) with t = tanh(u), u = √(2/π)(x + 0.044715x³).
     * dy/dx = ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²).
     */
    static Tensor gelu(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        float[] t = new float[x.length]; // kept for the backward pass
        Parallel.forRange(y.length, (from, to) -> {
            if (Simd.AVAILABLE) {
                VectorActivations.gelu(x, t, y, from, to);
            } else {
                geluRange(x, t, y, from, to);
            }
        });
        return Autograd.record("gelu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                if (Simd.AVAILABLE) {
                    VectorActivations.geluBackward(g, x, t, ga, from, to);
                } else {
                    geluBackwardRange(g, x, t, ga, from, to);
                }
            });
        }, a);
    }

    /** y = x·s with s = sigmoid(x): dy/dx = s + x·s(1 - s). */
    static Tensor silu(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            if (Simd.AVAILABLE) {
                VectorActivations.silu(x, y, from, to);
            } else {
                siluRange(x, y, from, to);
            }
        });
        return Autograd.record("silu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                if (Simd.AVAILABLE) {
                    VectorActivations.siluBackward(g, x, ga, from, to);
                } else {
                    siluBackwardRange(g, x, ga, from, to);
                }
            });
        }, a);
    }

    // ---- The scalar reference: one element at a time. VectorActivations mirrors each line. ----

    static void tanhRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = tanh(x[i]);
        }
    }

    static void tanhBackwardRange(float[] g, float[] y, float[] ga, int from, int to) {
        for (int i = from; i < to; i++) {
            ga[i] += g[i] * (1f - y[i] * y[i]);
        }
    }

    static void sigmoidRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = sigmoid(x[i]);
        }
    }

    static void sigmoidBackwardRange(float[] g, float[] y, float[] ga, int from, int to) {
        for (int i = from; i < to; i++) {
            ga[i] += g[i] * y[i] * (1f - y[i]);
        }
    }

    static void reluRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = Math.max(x[i], 0f);
        }
    }

    static void reluBackwardRange(float[] g, float[] x, float[] ga, int from, int to) {
        for (int i = from; i < to; i++) {
            ga[i] += x[i] > 0f ? g[i] : 0f;
        }
    }

    static void geluRange(float[] x, float[] t, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float xi = x[i];
            t[i] = tanh(SQRT_2_OVER_PI * (xi + GELU_CUBIC * xi * xi * xi));
            y[i] = 0.5f * xi * (1f + t[i]);
        }
    }

    static void geluBackwardRange(float[] g, float[] x, float[] t, float[] ga, int from, int to) {
        for (int i = from; i < to; i++) {
            float xi = x[i], du = SQRT_2_OVER_PI * (1f + GELU_CUBIC_3 * xi * xi);
            ga[i] += g[i] * (0.5f * (1f + t[i]) + 0.5f * xi * (1f - t[i] * t[i]) * du);
        }
    }

    static void siluRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = x[i] * sigmoid(x[i]);
        }
    }

    static void siluBackwardRange(float[] g, float[] x, float[] ga, int from, int to) {
        for (int i = from; i < to; i++) {
            float s = sigmoid(x[i]);
            ga[i] += g[i] * s * (1f + x[i] * (1f - s));
        }
    }

    /**
     * tanh u. For |u| > 0.625: 1 - 2/(e^(2|u|) + 1) with the sign of u; for large |u| the
     * exponential saturates to ∞ and the formula to ±1, as it should. Near 0 that formula would
     * subtract two nearly equal numbers, so there tanh u = u + u³·P(u²) (Cephes' tanhf), which
     * keeps full relative precision down to the tiniest u. NaN stays NaN.
     */
    static float tanh(float u) {
        float z = Math.abs(u);
        if (z > TANH_SMALL) {
            float t = 1f - 2f / (exp(2f * z) + 1f);
            return u < 0f ? -t : t;
        }
        float z2 = u * u;
        float p = T0;
        p = Math.fma(p, z2, T1);
        p = Math.fma(p, z2, T2);
        p = Math.fma(p, z2, T3);
        p = Math.fma(p, z2, T4);
        return Math.fma(p * z2, u, u);
    }

    /** e^-x overflows to ∞ for very negative x, and 1/(1 + ∞) = 0 is still the right answer. */
    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /**
     * e^x, Cephes' {@code expf}: write x = n·ln 2 + r with n an integer and |r| ≤ ln 2 / 2, so
     * e^x = 2^n · e^r, where e^r is a short polynomial and 2^n is written straight into the
     * float's exponent bits. Relative error below 3e-7 for x in [-87.3, 88.3]; above, +∞; below,
     * 0; NaN gives NaN. Only multiplies, adds and fused multiply-adds (each rounded exactly once,
     * as IEEE 754 says), so the vector version gets the same bits.
     */
    static float exp(float x) {
        if (x > EXP_MAX) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < EXP_MIN) {
            return 0f;
        }
        float shifted = x * LOG2E + ROUNDER; // n = round(x / ln 2) sits in the low bits of this float
        float n = shifted - ROUNDER;
        float r = Math.fma(n, -LN2_HIGH, x);  // r = x - n·ln 2, with ln 2 in two parts: the first
        r = Math.fma(n, -LN2_LOW, r);         // product is exact, the second adds the missing digits
        float p = P0;
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float expR = p * (r * r) + r + 1f;
        int biased = Float.floatToRawIntBits(shifted) - (Float.floatToRawIntBits(ROUNDER) - 127); // n + 127
        return expR * Float.intBitsToFloat(biased << 23); // e^r · 2^n
    }
}
