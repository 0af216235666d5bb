package dev.minillm.tensor;

/**
 * Arithmetic element by element, each op with its local derivative. Every op is written out as
 * a plain loop over float arrays (no per-element lambda), which the JIT compiles to SIMD code.
 *
 * <p>For two inputs, z = f(x, y) with the shapes broadcast: dL/dx = dL/dz · ∂f/∂x, summed back to
 * x's shape ({@link Broadcast}).
 */
final class Elementwise {

    private Elementwise() {}

    // ---------------------------------------------------------------- two inputs

    /** z = x + y: ∂z/∂x = 1, ∂z/∂y = 1. */
    static Tensor add(Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("add", a.shape, b.shape);
        float[] x = Broadcast.values(a, shape), y = Broadcast.values(b, shape);
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + y[i];
        }
        return Autograd.record("add", Tensor.of(z, shape), g -> {
            passBack(a, shape, g, 1f);
            passBack(b, shape, g, 1f);
        }, a, b);
    }

    /** z = x - y: ∂z/∂x = 1, ∂z/∂y = -1. */
    static Tensor sub(Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("sub", a.shape, b.shape);
        float[] x = Broadcast.values(a, shape), y = Broadcast.values(b, shape);
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] - y[i];
        }
        return Autograd.record("sub", Tensor.of(z, shape), g -> {
            passBack(a, shape, g, 1f);
            passBack(b, shape, g, -1f);
        }, a, b);
    }

    /** z = x·y: ∂z/∂x = y, ∂z/∂y = x. */
    static Tensor mul(Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("mul", a.shape, b.shape);
        float[] x = Broadcast.values(a, shape), y = Broadcast.values(b, shape);
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] * y[i];
        }
        return Autograd.record("mul", Tensor.of(z, shape), g -> {
            if (a.requiresGrad) {
                float[] ga = Broadcast.gradient(a, shape);
                for (int i = 0; i < g.length; i++) {
                    ga[i] += g[i] * y[i];
                }
                Broadcast.finish(a, shape, ga);
            }
            if (b.requiresGrad) {
                float[] gb = Broadcast.gradient(b, shape);
                for (int i = 0; i < g.length; i++) {
                    gb[i] += g[i] * x[i];
                }
                Broadcast.finish(b, shape, gb);
            }
        }, a, b);
    }

    /** z = x/y: ∂z/∂x = 1/y, ∂z/∂y = -x/y² = -z/y. */
    static Tensor div(Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("div", a.shape, b.shape);
        float[] x = Broadcast.values(a, shape), y = Broadcast.values(b, shape);
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] / y[i];
        }
        return Autograd.record("div", Tensor.of(z, shape), g -> {
            if (a.requiresGrad) {
                float[] ga = Broadcast.gradient(a, shape);
                for (int i = 0; i < g.length; i++) {
                    ga[i] += g[i] / y[i];
                }
                Broadcast.finish(a, shape, ga);
            }
            if (b.requiresGrad) {
                float[] gb = Broadcast.gradient(b, shape);
                for (int i = 0; i < g.length; i++) {
                    gb[i] -= g[i] * z[i] / y[i];
                }
                Broadcast.finish(b, shape, gb);
            }
        }, a, b);
    }

    /** Adds {@code sign}·g to t's gradient, summed down to t's shape. */
    private static void passBack(Tensor t, int[] shape, float[] g, float sign) {
        if (!t.requiresGrad) {
            return;
        }
        float[] gt = Broadcast.gradient(t, shape);
        for (int i = 0; i < g.length; i++) {
            gt[i] += sign * g[i];
        }
        Broadcast.finish(t, shape, gt);
    }

    // ---------------------------------------------------------------- one input

    /** z = x + c: ∂z/∂x = 1. {@code op} names it in the graph ("add", or "sub" for x + (-c)). */
    static Tensor addScalar(Tensor a, float c, String op) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = x[i] + c;
        }
        return Autograd.record(op, Tensor.of(z, a.shape), g -> Autograd.add(a.gradBuffer(), g), a);
    }

    /** z = c·x: ∂z/∂x = c. {@code op} names it in the graph ("mul", "div" for x·(1/c), "neg"). */
    static Tensor mulScalar(Tensor a, float c, String op) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = c * x[i];
        }
        return Autograd.record(op, Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += c * g[i];
            }
        }, a);
    }

    /** z = x^p: ∂z/∂x = p·x^(p-1). */
    static Tensor pow(Tensor a, float p) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        if (p == 2f) { // squares are common (variances, L2 norms): skip Math.pow
            for (int i = 0; i < z.length; i++) {
                z[i] = x[i] * x[i];
            }
        } else {
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) Math.pow(x[i], p);
            }
        }
        return Autograd.record("pow", Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * p * (p == 2f ? x[i] : (float) Math.pow(x[i], p - 1));
            }
        }, a);
    }

    /** z = e^x: ∂z/∂x = e^x = z. */
    static Tensor exp(Tensor a) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.exp(x[i]);
        }
        return Autograd.record("exp", Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * z[i];
            }
        }, a);
    }

    /** z = ln x: ∂z/∂x = 1/x. */
    static Tensor log(Tensor a) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.log(x[i]);
        }
        return Autograd.record("log", Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] / x[i];
            }
        }, a);
    }

    /** z = √x: ∂z/∂x = 1/(2√x) = 0.5/z. */
    static Tensor sqrt(Tensor a) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.sqrt(x[i]);
        }
        return Autograd.record("sqrt", Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * 0.5f / z[i];
            }
        }, a);
    }

    /** z = |x|: ∂z/∂x = sign(x), taken as 0 at 0. */
    static Tensor abs(Tensor a) {
        float[] x = a.dense();
        float[] z = new float[x.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.abs(x[i]);
        }
        return Autograd.record("abs", Tensor.of(z, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * Math.signum(x[i]);
            }
        }, a);
    }
}
