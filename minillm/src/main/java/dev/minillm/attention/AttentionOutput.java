package dev.minillm.attention;

import dev.minillm.tensor.Tensor;

/**
 * What attention returns: the output, and on request the attention weights for plots.
 *
 * @param output (..., Tq, dv): for each query, the weighted average of the values
 * @param weights (..., Tq, Tk), (B, nh, T, T) in a layer: row i holds how much query i looks at each key, a probability
 *                distribution (zeros where masked); detached from the graph; null when not requested
 */
public record AttentionOutput(Tensor output, Tensor weights) {

    /** True when the weights were requested and kept. */
    public boolean hasWeights() {
        return weights != null;
    }

    /**
     * The attention weights.
     *
     * @throws IllegalStateException when they were not requested (they cost a T×T matrix per head)
     */
    @Override
    public Tensor weights() {
        if (weights == null) {
            throw new IllegalStateException("the attention weights were not kept; ask for them with "
                    + "ScaledDotProductAttention.Options.withWeights(true) or the layer's forwardWithWeights(...)");
        }
        return weights;
    }
}
