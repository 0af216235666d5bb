package dev.minillm.tensor;

import java.util.random.RandomGenerator;

/**
 * A fully connected layer y = x·Wᵀ + b. The weight is stored (out, in), as in PyTorch, so a
 * checkpoint's {@code fc.weight} loads unchanged; the transposed view costs no copy.
 */
public final class Linear extends Layer {

    private final int in, out;
    private final Tensor weight; // (out, in)
    private final Tensor bias;   // (out), or null

    /**
     * A layer from {@code in} to {@code out} features, initialised as in PyTorch: weight and bias
     * uniform in ±1/√in, which keeps the output's scale close to the input's.
     */
    public Linear(int in, int out, boolean bias, RandomGenerator random) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        float bound = (float) (1 / Math.sqrt(in));
        this.weight = parameter("weight", Tensor.uniform(random, -bound, bound, out, in));
        this.bias = bias ? parameter("bias", Tensor.uniform(random, -bound, bound, out)) : null;
    }

    /** A layer with a bias. */
    public Linear(int in, int out, RandomGenerator random) {
        this(in, out, true, random);
    }

    /** (..., in) → (..., out). */
    public Tensor forward(Tensor x) {
        Tensor y = x.matmul(weight.transpose()); // (..., in)·(in, out) = (..., out)
        return bias == null ? y : y.add(bias);
    }

    /** The weight, shape (out, in). */
    public Tensor weight() {
        return weight;
    }

    /** The bias, shape (out), or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }

    @Override
    protected String describe() {
        return "in=" + in + ", out=" + out + ", bias=" + (bias != null);
    }
}
