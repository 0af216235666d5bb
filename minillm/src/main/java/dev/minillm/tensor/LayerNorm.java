package dev.minillm.tensor;

/**
 * Layer normalisation over the last axis with a learned scale (weight, starts at 1) and shift
 * (bias, starts at 0); see {@link Tensor#layerNorm}.
 */
public final class LayerNorm extends Layer {

    private final int dim;
    private final float eps;
    private final Tensor weight; // (dim)
    private final Tensor bias;   // (dim), or null

    /** Normalises vectors of size {@code dim}; eps = 1e-5 as in PyTorch; with a bias. */
    public LayerNorm(int dim) {
        this(dim, 1e-5f, true);
    }

    /** Normalises vectors of size {@code dim}, with or without a bias. */
    public LayerNorm(int dim, float eps, boolean bias) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", Tensor.ones(dim));
        this.bias = bias ? parameter("bias", Tensor.zeros(dim)) : null;
    }

    /** (..., dim) → (..., dim). */
    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }

    @Override
    protected String describe() {
        return "dim=" + dim + ", eps=" + eps + ", bias=" + (bias != null);
    }
}
