package dev.minillm.transformer;

import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

/**
 * The feed-forward half of a {@link Block}: applied to every position on its own, where the
 * attention half mixes positions. One class per variant of {@link GPTConfig.FeedForward}.
 */
public sealed interface FeedForwardNetwork permits MLP, SwiGLU {

    /** (B, T, C) → (B, T, C). */
    Tensor forward(Tensor x);

    /** The last linear layer, whose output is added to the residual stream (GPT-2 initialises it smaller). */
    Linear proj();
}
