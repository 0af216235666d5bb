package dev.minillm.transformer;

import dev.minillm.tensor.Tensor;

/**
 * The feed-forward half of a {@link Block}: applied to every position on its own, where the
 * attention half mixes positions. One class per variant of {@link GPTConfig.FeedForward}, and
 * {@link MixtureOfExperts}, which routes each token to a few of several such networks.
 */
public sealed interface FeedForwardNetwork permits MLP, SwiGLU, MixtureOfExperts {

    /** (B, T, C) → (B, T, C). */
    Tensor forward(Tensor x);
}
