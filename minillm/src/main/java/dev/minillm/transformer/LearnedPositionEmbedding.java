package dev.minillm.transformer;

import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * GPT-2's positions: one learned vector per position 0 .. blockSize-1, added to the token
 * embeddings. Attention alone cannot tell "dog bites man" from "man bites dog"; this tells it
 * where each token is. Chapter 8 compares it with sinusoidal, rotary (RoPE) and ALiBi positions.
 * A table has no vector for a position past its end, so a model with it cannot read longer inputs
 * than it was built for: {@link #forward} throws there.
 */
public final class LearnedPositionEmbedding extends PositionEncoding {

    private final Tensor weight; // (blockSize, C)

    /** A table of {@code blockSize} vectors of size {@code dim}, N(0, 1) as PyTorch's Embedding ({@link GPT} re-initialises it). */
    public LearnedPositionEmbedding(int blockSize, int dim, RandomGenerator random) {
        this.weight = parameter("weight", Tensor.randn(random, blockSize, dim));
    }

    /**
     * The vectors of positions 0 .. length-1: (T, C).
     *
     * @throws IllegalArgumentException if length exceeds the table: a learned table has nothing for unseen positions
     */
    public Tensor forward(int length) {
        return rows(0, length);
    }

    /** The vectors of positions offset .. offset+length-1: (length, C). */
    public Tensor rows(int offset, int length) {
        int size = weight.shape(0);
        if (offset + length > size) {
            throw new IllegalArgumentException("LearnedPositionEmbedding: position " + size + " is past the end of the "
                    + "learned table of " + size + " positions (asked for " + (offset + length) + "); a learned table "
                    + "cannot extrapolate: use a longer blockSize, or a scheme without a table (sinusoidal, rope, alibi)");
        }
        int[] positions = new int[length];
        for (int t = 0; t < length; t++) {
            positions[t] = offset + t;
        }
        return weight.indexSelect(0, positions);
    }

    /** (B, T, C) + the table's rows offset .. offset+T-1. */
    @Override
    public Tensor embed(Tensor x, int offset) {
        return x.add(rows(offset, x.shape(1)));
    }

    /** The table, shape (blockSize, C). */
    public Tensor weight() {
        return weight;
    }
}
