package dev.minillm.tensor;

import java.util.Arrays;

/**
 * Ops that reduce an axis to one number: sum, mean, max, variance.
 *
 * <p>Reducing axis {@code a} of a row-major tensor sees it as three nested loops: {@code outer}
 * (the axes before a), {@code n} (axis a) and {@code inner} (the axes after a); element (o, j, i)
 * sits at {@code (o*n + j)*inner + i}. Each output (o, i) combines the n elements j = 0..n-1.
 * The backward pass sends each output's gradient back to the elements it was made from.
 */
final class Reductions {

    private Reductions() {}

    /** The loop sizes for reducing one axis, and the output shape. */
    private record Axis(int outer, int n, int inner, int[] outShape) {
        static Axis of(String op, Tensor t, int axis, boolean keepDim) {
            int a = Shapes.axis(op, axis, t.rank());
            int[] outShape = keepDim ? t.shape.clone() : Shapes.without(t.shape, a);
            if (keepDim) {
                outShape[a] = 1;
            }
            return new Axis(Shapes.product(t.shape, 0, a), t.shape[a], Shapes.product(t.shape, a + 1, t.rank()), outShape);
        }
    }

    /** Σ x (or the mean) over every element, as a scalar; dL/dx = dL/dy (or dL/dy / size). */
    static Tensor sumAll(Tensor a, boolean mean) {
        float[] x = a.dense();
        double sum = 0; // a double accumulator: a float one loses digits over many elements
        for (float v : x) {
            sum += v;
        }
        float scale = mean ? 1f / x.length : 1f;
        return Autograd.record(mean ? "mean" : "sum", Tensor.scalar((float) (sum * scale)), g -> {
            float[] ga = a.gradBuffer();
            float gs = g[0] * scale;
            for (int i = 0; i < ga.length; i++) {
                ga[i] += gs;
            }
        }, a);
    }

    /** Σ over one axis (or the mean): every element of a group gets its output's gradient (÷ n for the mean). */
    static Tensor sum(Tensor a, int axis, boolean keepDim, boolean mean) {
        String op = mean ? "mean" : "sum";
        Axis r = Axis.of(op, a, axis, keepDim);
        int outer = r.outer, n = r.n, inner = r.inner;
        float scale = mean ? 1f / n : 1f;
        float[] x = a.dense();
        float[] y = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            if (inner == 1) { // the last axis: one running sum per row
                double sum = 0;
                for (int j = 0, base = o * n; j < n; j++) {
                    sum += x[base + j];
                }
                y[o] = (float) (sum * scale);
            } else { // add whole rows of length inner: a loop the JIT vectorises
                int out = o * inner;
                for (int j = 0; j < n; j++) {
                    int base = (o * n + j) * inner;
                    for (int i = 0; i < inner; i++) {
                        y[out + i] += x[base + i];
                    }
                }
                for (int i = 0; i < inner; i++) {
                    y[out + i] *= scale;
                }
            }
        }
        return Autograd.record(op, Tensor.of(y, r.outShape), g -> {
            float[] ga = a.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < n; j++) {
                    int base = (o * n + j) * inner;
                    for (int i = 0; i < inner; i++) {
                        ga[base + i] += g[o * inner + i] * scale;
                    }
                }
            }
        }, a);
    }

    /** Sum (or mean) over several axes: one axis at a time, from the last, keeping dimensions until the end. */
    static Tensor overAxes(Tensor a, int[] axes, boolean keepDim, boolean mean) {
        String op = mean ? "mean" : "sum";
        int[] normalized = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            normalized[i] = Shapes.axis(op, axes[i], a.rank());
        }
        Arrays.sort(normalized);
        for (int i = 1; i < normalized.length; i++) {
            if (normalized[i] == normalized[i - 1]) {
                throw new IllegalArgumentException(op + ": axis " + normalized[i] + " is listed twice in " + Arrays.toString(axes));
            }
        }
        Tensor result = a;
        for (int i = normalized.length - 1; i >= 0; i--) {
            result = sum(result, normalized[i], true, mean);
        }
        if (keepDim) {
            return result;
        }
        int[] shape = a.shape.clone();
        for (int axis : normalized) {
            shape[axis] = -1; // marks the axes to drop
        }
        return result.reshape(Arrays.stream(shape).filter(d -> d >= 0).toArray());
    }

    /** The largest element of each group; only that element (the first, on ties) receives the gradient. */
    static Tensor max(Tensor a, int axis, boolean keepDim) {
        Axis r = Axis.of("max", a, axis, keepDim);
        int outer = r.outer, n = r.n, inner = r.inner;
        if (n == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of shape " + Shapes.str(a.shape)
                    + " is empty; the maximum of nothing is undefined");
        }
        float[] x = a.dense();
        float[] y = new float[outer * inner];
        int[] argmax = new int[outer * inner]; // kept for the backward pass
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float value = x[o * n * inner + i];
                for (int j = 1; j < n; j++) {
                    float v = x[(o * n + j) * inner + i];
                    if (v > value || (Float.isNaN(v) && !Float.isNaN(value))) { // NaN wins, as in PyTorch
                        value = v;
                        best = j;
                    }
                }
                y[o * inner + i] = value;
                argmax[o * inner + i] = best;
            }
        }
        return Autograd.record("max", Tensor.of(y, r.outShape), g -> {
            float[] ga = a.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    ga[(o * n + argmax[o * inner + i]) * inner + i] += g[o * inner + i];
                }
            }
        }, a);
    }

    /**
     * The variance Σ(x - m)² / (n - correction) with m the mean: dvar/dx_j = 2(x_j - m) / (n - correction)
     * (the terms through m add up to zero, since Σ(x - m) = 0).
     */
    static Tensor var(Tensor a, int axis, boolean keepDim, int correction) {
        Axis r = Axis.of("var", a, axis, keepDim);
        int outer = r.outer, n = r.n, inner = r.inner;
        float divisor = n - correction;
        float[] x = a.dense();
        float[] y = new float[outer * inner];
        float[] means = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += x[(o * n + j) * inner + i];
                }
                double mean = sum / n, squares = 0;
                for (int j = 0; j < n; j++) {
                    double d = x[(o * n + j) * inner + i] - mean;
                    squares += d * d;
                }
                means[o * inner + i] = (float) mean;
                y[o * inner + i] = (float) (squares / divisor);
            }
        }
        return Autograd.record("var", Tensor.of(y, r.outShape), g -> {
            float[] ga = a.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < n; j++) {
                    int base = (o * n + j) * inner;
                    for (int i = 0; i < inner; i++) {
                        ga[base + i] += g[o * inner + i] * 2f * (x[base + i] - means[o * inner + i]) / divisor;
                    }
                }
            }
        }, a);
    }
}
