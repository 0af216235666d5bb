package dev.minillm.tensor;

/**
 * The non-linearities (激活函数) between linear layers, elementwise, each with its derivative.
 * Without them a stack of linear layers would collapse into one linear map.
 *
 * <p>Each loop runs over a range of indices that {@link Parallel#forRange} hands out: on a large
 * tensor (a transformer's MLP has millions of activations) the cores share the work, since an
 * exponential per element costs more than moving the element through memory.
 */
final class Activations {

    /** √(2/π), from GELU's tanh approximation. */
    private static final float SQRT_2_OVER_PI = 0.7978845608028654f;
    private static final float GELU_CUBIC = 0.044715f;

    private Activations() {}

    /** y = tanh x: dy/dx = 1 - y². */
    static Tensor tanh(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = tanh(x[i]);
            }
        });
        return Autograd.record("tanh", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ga[i] += g[i] * (1f - y[i] * y[i]);
                }
            });
        }, a);
    }

    /** y = 1 / (1 + e^-x): dy/dx = y·(1 - y). */
    static Tensor sigmoid(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = sigmoid(x[i]);
            }
        });
        return Autograd.record("sigmoid", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ga[i] += g[i] * y[i] * (1f - y[i]);
                }
            });
        }, a);
    }

    /**
     * tanh u = 1 - 2/(e^(2u) + 1), in double. The JIT compiles Math.exp to a fast intrinsic, and
     * this is about twice as fast as Math.tanh with the same float result; for large |u| the
     * exponential saturates to 0 or ∞ and the formula to ±1, as it should.
     */
    static float tanh(float u) {
        return (float) (1 - 2 / (Math.exp(2.0 * u) + 1));
    }

    /** e^-x overflows to ∞ for very negative x, and 1/(1 + ∞) = 0 is still the right answer. */
    private static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    /** y = max(0, x): dy/dx = 1 where x > 0, else 0. */
    static Tensor relu(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        });
        return Autograd.record("relu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ga[i] += x[i] > 0f ? g[i] : 0f;
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
            for (int i = from; i < to; i++) {
                float xi = x[i];
                t[i] = tanh(SQRT_2_OVER_PI * (xi + GELU_CUBIC * xi * xi * xi));
                y[i] = 0.5f * xi * (1f + t[i]);
            }
        });
        return Autograd.record("gelu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float xi = x[i], du = SQRT_2_OVER_PI * (1f + 3f * GELU_CUBIC * xi * xi);
                    ga[i] += g[i] * (0.5f * (1f + t[i]) + 0.5f * xi * (1f - t[i] * t[i]) * du);
                }
            });
        }, a);
    }

    /** y = x·s with s = sigmoid(x): dy/dx = s + x·s(1 - s). */
    static Tensor silu(Tensor a) {
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRange(y.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] = x[i] * sigmoid(x[i]);
            }
        });
        return Autograd.record("silu", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRange(g.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float s = sigmoid(x[i]);
                    ga[i] += g[i] * s * (1f + x[i] * (1f - s));
                }
            });
        }, a);
    }
}
