package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

/**
 * Where a {@link GPT} learns the order of its tokens. Attention compares every query with every
 * key whatever their places, so without help the model sees a bag of tokens; a position encoding
 * (位置编码) can step in at three places, and each scheme overrides the hooks it needs:
 * <pre>
 *   embed        x (B, T, C) + position vectors              absolute: sinusoidal, learned
 *   rotate       q, k (B, nh, T, hs) turned by their position  relative: RoPE
 *   scoreBias    (nh, T, T) added to q·kᵀ/√hs before softmax  relative: ALiBi
 * </pre>
 * The defaults leave everything unchanged, which is the "none" scheme. A GPT shares one instance
 * between its blocks; its parameters (if any) are the GPT's {@code positionEmbedding.*}.
 * Chapter 8's {@code dev.minillm.position} holds the other schemes.
 */
public abstract class PositionEncoding extends Layer {

    /** The token embeddings with positions added: (B, T, C) → (B, T, C); the default adds nothing. */
    public Tensor embed(Tensor x) {
        return x;
    }

    /** Queries or keys turned by their positions 0..T-1: (B, nh, T, hs) → (B, nh, T, hs); the default leaves them. */
    public Tensor rotate(Tensor x) {
        return x;
    }

    /** A constant added to the attention scores of every head, (nh, T, T), or null for none (the default). */
    public Tensor scoreBias(int length) {
        return null;
    }

    /** Whether {@link #rotate} changes anything (so attention can skip calling it). */
    public boolean rotates() {
        return false;
    }

    /** No positions at all: the model sees its context as a set of tokens (plus the causal mask). */
    static final class None extends PositionEncoding {
        @Override
        protected String describe() {
            return "none";
        }
    }
}
