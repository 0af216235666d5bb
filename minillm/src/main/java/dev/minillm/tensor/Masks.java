package dev.minillm.tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Ops that keep some elements and replace the others: masked fill (causal masks) and dropout. */
final class Masks {

    private Masks() {}

    /** y = value where mask ≠ 0, else x. Backward: the gradient passes where x was kept, 0 where it was replaced. */
    static Tensor maskedFill(Tensor a, Tensor mask, float value) {
        int[] shape = Shapes.broadcast("maskedFill", a.shape, mask.shape);
        if (!Arrays.equals(shape, a.shape)) {
            throw new IllegalArgumentException("maskedFill: the mask of shape " + Shapes.str(mask.shape)
                    + " must broadcast to the tensor's shape " + Shapes.str(a.shape) + ", not enlarge it to "
                    + Shapes.str(shape));
        }
        float[] x = a.dense(), m = Broadcast.values(mask, shape);
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = m[i] != 0f ? value : x[i];
        }
        return Autograd.record("maskedFill", Tensor.of(y, shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += m[i] != 0f ? 0f : g[i];
            }
        }, a);
    }

    /**
     * Inverted dropout: y = x·mask with mask = 0 (probability p) or 1/(1-p). Scaling at training
     * time keeps E[y] = x, so nothing changes at evaluation time, when dropout is simply skipped.
     */
    static Tensor dropout(Tensor a, float p, RandomGenerator random) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout: p is a probability in [0, 1], got " + p);
        }
        if (p == 0f) {
            return a;
        }
        float scale = p < 1f ? 1f / (1f - p) : 0f;
        float[] x = a.dense();
        float[] mask = new float[x.length];
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            mask[i] = random.nextFloat() < p ? 0f : scale;
            y[i] = x[i] * mask[i];
        }
        return Autograd.record("dropout", Tensor.of(y, a.shape), g -> {
            float[] ga = a.gradBuffer();
            for (int i = 0; i < g.length; i++) {
                ga[i] += g[i] * mask[i];
            }
        }, a);
    }
}
