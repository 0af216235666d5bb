package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * GPT-2's positions: one learned vector per position 0 .. blockSize-1, added to the token
 * embeddings. Attention alone cannot tell "dog bites man" from "man bites dog"; this tells it
 * where each token is. Chapter 8 compares it with sinusoidal, rotary (RoPE) and ALiBi positions.
 */
public final class LearnedPositionEmbedding extends Layer {

    private final Tensor weight; // (blockSize, C)

    /** A table of {@code blockSize} vectors of size {@code dim}, N(0, 1) as PyTorch's Embedding ({@link GPT} re-initialises it). */
    public LearnedPositionEmbedding(int blockSize, int dim, RandomGenerator random) {
        this.weight = parameter("weight", Tensor.randn(random, blockSize, dim));
    }

    /** The vectors of positions 0 .. length-1: (T, C). */
    public Tensor forward(int length) {
        int[] positions = new int[length];
        for (int t = 0; t < length; t++) {
            positions[t] = t;
        }
        return weight.indexSelect(0, positions);
    }

    /** The table, shape (blockSize, C). */
    public Tensor weight() {
        return weight;
    }
}
