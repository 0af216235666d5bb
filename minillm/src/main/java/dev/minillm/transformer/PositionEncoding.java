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

    /** The token embeddings of positions 0..T-1 with positions added: (B, T, C) → (B, T, C). */
    public final Tensor embed(Tensor x) {
        return embed(x, 0);
    }

    /**
     * The token embeddings of positions offset..offset+T-1 with positions added (a KV cache feeds new
     * tokens after {@code offset} earlier ones); the default adds nothing.
     */
    public Tensor embed(Tensor x, int offset) {
        return x;
    }

    /** Queries or keys turned by their positions 0..T-1: (B, nh, T, hs) → (B, nh, T, hs). */
    public final Tensor rotate(Tensor x) {
        return rotate(x, 0);
    }

    /** Queries or keys at positions offset..offset+T-1, turned; the default leaves them. */
    public Tensor rotate(Tensor x, int offset) {
        return x;
    }

    /** A constant added to the attention scores of every head, (nh, T, T), or null for none. */
    public final Tensor scoreBias(int length) {
        return scoreBias(length, length);
    }

    /**
     * The score bias (nh, queries, keys) for the last {@code queries} of {@code keys} positions
     * attending to all of them (a KV cache's new tokens against the cached ones), or null for none
     * (the default).
     */
    public Tensor scoreBias(int queries, int keys) {
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
