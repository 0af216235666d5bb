package dev.minillm.tensor;

/**
 * Layer normalisation and RMS normalisation over the last axis, each one fused op.
 *
 * <p>Written as small ops (mean, sub, pow, mean, add, sqrt, div, mul, add) layer norm would record
 * nine nodes and keep nine intermediate tensors; fused, it keeps two numbers per row (mean and
 * 1/σ) and its backward is the closed form below.
 */
final class Normalization {

    private Normalization() {}

    /**
     * y = x̂·w + b with x̂ = (x - μ)/σ, σ = √(var + eps) over each row. With g = dL/dy and
     * ĝ = g·w, the backward pass is dx = (ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)) / σ, dw = Σ_rows g·x̂, db = Σ_rows g.
     */
    static Tensor layerNorm(Tensor a, Tensor weight, Tensor bias, float eps) {
        int c = checkAxis("layerNorm", a, weight, bias);
        int rows = c == 0 ? 0 : a.size() / c;
        float[] x = a.dense();
        float[] w = weight == null ? null : weight.dense(), b = bias == null ? null : bias.dense();
        float[] y = new float[x.length];
        float[] means = new float[rows], inverseStd = new float[rows]; // kept for the backward pass
        Parallel.forRows(rows, c, r -> {
            int base = r * c;
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += x[base + j];
            }
            double mean = sum / c, squares = 0;
            for (int j = 0; j < c; j++) {
                double d = x[base + j] - mean;
                squares += d * d;
            }
            float mu = (float) mean, rstd = (float) (1 / Math.sqrt(squares / c + eps));
            means[r] = mu;
            inverseStd[r] = rstd;
            for (int j = 0; j < c; j++) {
                float normalized = (x[base + j] - mu) * rstd;
                y[base + j] = normalized * (w == null ? 1f : w[j]) + (b == null ? 0f : b[j]);
            }
        });
        return Autograd.record("layerNorm", Tensor.of(y, a.shape), g -> {
            if (a.requiresGrad) {
                float[] ga = a.gradBuffer();
                Parallel.forRows(rows, c, r -> {
                    int base = r * c;
                    double sumG = 0, sumGX = 0;
                    for (int j = 0; j < c; j++) {
                        float gHat = g[base + j] * (w == null ? 1f : w[j]);
                        sumG += gHat;
                        sumGX += gHat * (x[base + j] - means[r]) * inverseStd[r];
                    }
                    float meanG = (float) (sumG / c), meanGX = (float) (sumGX / c);
                    for (int j = 0; j < c; j++) {
                        float normalized = (x[base + j] - means[r]) * inverseStd[r];
                        float gHat = g[base + j] * (w == null ? 1f : w[j]);
                        ga[base + j] += (gHat - meanG - normalized * meanGX) * inverseStd[r];
                    }
                });
            }
            if (weight != null && weight.requiresGrad || bias != null && bias.requiresGrad) {
                float[] gw = new float[c], gb = new float[c];
                for (int r = 0; r < rows; r++) { // a sum over rows: one thread, row after row
                    int base = r * c;
                    for (int j = 0; j < c; j++) {
                        gw[j] += g[base + j] * (x[base + j] - means[r]) * inverseStd[r];
                        gb[j] += g[base + j];
                    }
                }
                if (weight != null && weight.requiresGrad) {
                    Autograd.add(weight.gradBuffer(), gw);
                }
                if (bias != null && bias.requiresGrad) {
                    Autograd.add(bias.gradBuffer(), gb);
                }
            }
        }, a, weight, bias);
    }

    /**
     * y = x̂·w with x̂ = x / rms, rms = √(mean(x²) + eps) over each row (no centring, no bias).
     * Backward: dx = (ĝ - x̂·mean(ĝ·x̂)) / rms with ĝ = g·w, dw = Σ_rows g·x̂.
     */
    static Tensor rmsNorm(Tensor a, Tensor weight, float eps) {
        int c = checkAxis("rmsNorm", a, weight, null);
        int rows = c == 0 ? 0 : a.size() / c;
        float[] x = a.dense();
        float[] w = weight == null ? null : weight.dense();
        float[] y = new float[x.length];
        float[] inverseRms = new float[rows];
        Parallel.forRows(rows, c, r -> {
            int base = r * c;
            double squares = 0;
            for (int j = 0; j < c; j++) {
                squares += (double) x[base + j] * x[base + j];
            }
            float inverse = (float) (1 / Math.sqrt(squares / c + eps));
            inverseRms[r] = inverse;
            for (int j = 0; j < c; j++) {
                y[base + j] = x[base + j] * inverse * (w == null ? 1f : w[j]);
            }
        });
        return Autograd.record("rmsNorm", Tensor.of(y, a.shape), g -> {
            if (a.requiresGrad) {
                float[] ga = a.gradBuffer();
                Parallel.forRows(rows, c, r -> {
                    int base = r * c;
                    double sumGX = 0;
                    for (int j = 0; j < c; j++) {
                        sumGX += g[base + j] * (w == null ? 1f : w[j]) * x[base + j] * inverseRms[r];
                    }
                    float meanGX = (float) (sumGX / c);
                    for (int j = 0; j < c; j++) {
                        float normalized = x[base + j] * inverseRms[r];
                        float gHat = g[base + j] * (w == null ? 1f : w[j]);
                        ga[base + j] += (gHat - normalized * meanGX) * inverseRms[r];
                    }
                });
            }
            if (weight != null && weight.requiresGrad) {
                float[] gw = weight.gradBuffer();
                for (int r = 0; r < rows; r++) {
                    int base = r * c;
                    for (int j = 0; j < c; j++) {
                        gw[j] += g[base + j] * x[base + j] * inverseRms[r];
                    }
                }
            }
        }, a, weight);
    }

    /** The size C of the last axis, after checking that weight and bias (when given) have shape (C). */
    private static int checkAxis(String op, Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": needs at least one axis to normalise, got a scalar");
        }
        int c = x.shape[x.rank() - 1];
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && (p.rank() != 1 || p.shape[0] != c)) {
                throw new IllegalArgumentException(op + ": " + (p == weight ? "weight" : "bias") + " has shape "
                        + Shapes.str(p.shape) + " but x has shape " + Shapes.str(x.shape) + "; it must be [" + c + "]");
            }
        }
        return c;
    }
}
