package dev.minillm.tensor;

/**
 * RMS normalisation over the last axis with a learned scale (starts at 1), as in Llama; see
 * {@link Tensor#rmsNorm}. Cheaper than layer norm: no mean, no bias.
 */
public final class RMSNorm extends Layer {

    private final int dim;
    private final float eps;
    private final Tensor weight; // (dim)

    /** Normalises vectors of size {@code dim}. */
    public RMSNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", Tensor.ones(dim));
    }

    /** (..., dim) → (..., dim). */
    public Tensor forward(Tensor x) {
        return x.rmsNorm(weight, eps);
    }

    @Override
    protected String describe() {
        return "dim=" + dim + ", eps=" + eps;
    }
}
