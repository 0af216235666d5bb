package dev.minillm.tensor;

/**
 * Softmax (归一化指数函数), log-softmax and the cross-entropy loss, row by row over the last axis.
 *
 * <p>All three subtract the row's maximum before exponentiating: softmax(x) = softmax(x - c) for
 * any c, and with c = max every exponent is ≤ 0, so e^x cannot overflow even for logits of 1000.
 * Each is one fused op with a short closed-form gradient instead of a chain of small ops.
 */
final class Softmax {

    private Softmax() {}

    /** y = e^x / Σ e^x per row. Backward: dx = y ⊙ (g - Σ g·y). */
    static Tensor softmax(Tensor a, int axis) {
        int ax = Shapes.axis("softmax", axis, a.rank());
        if (ax != a.rank() - 1) { // move the axis last, reuse the row version, move it back
            return softmax(a.transpose(ax, -1), -1).transpose(ax, -1);
        }
        int n = a.shape[ax], rows = n == 0 ? 0 : a.size() / n;
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRows(rows, n, r -> {
            int base = r * n;
            float max = rowMax(x, base, n);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(x[base + j] - max);
                y[base + j] = e;
                sum += e;
            }
            float inverse = (float) (1 / sum);
            for (int j = 0; j < n; j++) {
                y[base + j] *= inverse;
            }
        });
        return Autograd.record("softmax", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRows(rows, n, r -> {
                int base = r * n;
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += g[base + j] * y[base + j];
                }
                float d = (float) dot;
                for (int j = 0; j < n; j++) {
                    ga[base + j] += y[base + j] * (g[base + j] - d);
                }
            });
        }, a);
    }

    /** y = x - max - log Σ e^(x - max) per row. Backward: dx = g - softmax(x)·Σ g. */
    static Tensor logSoftmax(Tensor a, int axis) {
        int ax = Shapes.axis("logSoftmax", axis, a.rank());
        if (ax != a.rank() - 1) {
            return logSoftmax(a.transpose(ax, -1), -1).transpose(ax, -1);
        }
        int n = a.shape[ax], rows = n == 0 ? 0 : a.size() / n;
        float[] x = a.dense();
        float[] y = new float[x.length];
        Parallel.forRows(rows, n, r -> {
            int base = r * n;
            float logSum = logSumExp(x, base, n);
            for (int j = 0; j < n; j++) {
                y[base + j] = x[base + j] - logSum;
            }
        });
        return Autograd.record("logSoftmax", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            Parallel.forRows(rows, n, r -> {
                int base = r * n;
                double sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += g[base + j];
                }
                float s = (float) sum;
                for (int j = 0; j < n; j++) {
                    ga[base + j] += g[base + j] - (float) Math.exp(y[base + j]) * s;
                }
            });
        }, a);
    }

    /**
     * Mean over the counted rows of -log softmax(x)[target] = logsumexp(x) - x[target].
     * Backward for a counted row: dx = (softmax(x) - onehot(target)) · g / count; ignored rows get 0.
     */
    static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        if (logits.rank() < 1) {
            throw new IllegalArgumentException("crossEntropy: logits must have a class axis, got a scalar");
        }
        int v = logits.shape[logits.rank() - 1], rows = v == 0 ? 0 : logits.size() / v;
        if (targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy: logits of shape " + Shapes.str(logits.shape) + " have "
                    + rows + " rows (one per position) but " + targets.length + " targets were given");
        }
        int[] labels = targets.clone();
        int count = 0;
        for (int r = 0; r < rows; r++) {
            if (labels[r] == ignoreIndex) {
                continue;
            }
            if (labels[r] < 0 || labels[r] >= v) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + labels[r] + " at position " + r
                        + " is not a class index in [0, " + v + ")"
                        + (ignoreIndex == Integer.MIN_VALUE ? "" : " nor the ignore index " + ignoreIndex));
            }
            count++;
        }
        float[] x = logits.dense();
        float[] logSums = new float[rows]; // kept for the backward pass
        float[] losses = new float[rows];
        Parallel.forRows(rows, v, r -> {
            if (labels[r] != ignoreIndex) {
                logSums[r] = logSumExp(x, r * v, v);
                losses[r] = logSums[r] - x[r * v + labels[r]];
            }
        });
        double total = 0;
        for (float loss : losses) { // summed in order, so the result does not depend on threads
            total += loss;
        }
        int counted = count;
        float loss = counted == 0 ? 0f : (float) (total / counted);
        return Autograd.record("crossEntropy", Tensor.scalar(loss), g -> {
            float[] ga = logits.gradBuffer();
            if (counted == 0) {
                return; // nothing counted: the gradient is zero
            }
            float scale = g[0] / counted;
            Parallel.forRows(rows, v, r -> {
                if (labels[r] == ignoreIndex) {
                    return;
                }
                int base = r * v;
                for (int j = 0; j < v; j++) {
                    ga[base + j] += scale * (float) Math.exp(x[base + j] - logSums[r]);
                }
                ga[base + labels[r]] -= scale;
            });
        }, logits);
    }

    private static float rowMax(float[] x, int base, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[base + j]);
        }
        return max;
    }

    /** log Σ e^x over a row, as max + log Σ e^(x - max). */
    static float logSumExp(float[] x, int base, int n) {
        float max = rowMax(x, base, n);
        if (max == Float.NEGATIVE_INFINITY) {
            return max; // every entry is -∞ (fully masked): the sum is 0
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(x[base + j] - max);
        }
        return (float) (max + Math.log(sum));
    }
}
