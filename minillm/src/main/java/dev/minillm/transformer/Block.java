package dev.minillm.transformer;

import dev.minillm.attention.AttentionConfig;
import dev.minillm.attention.AttentionOutput;
import dev.minillm.attention.MultiHeadAttention;
import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * One pre-norm Transformer block (GPT-2): the positions talk to each other (attention), then
 * each thinks on its own (feed-forward). Each half reads a normalised copy of the residual stream
 * and adds its result back to it:
 * <pre>
 *   x = x + attention(norm1(x))
 *   x = x + mlp(norm2(x))
 * </pre>
 * Normalising before each half (not after, as in the 2017 paper) leaves the residual path an
 * identity from the embeddings to the output, which keeps deep stacks trainable without warmup tricks.
 */
public final class Block extends Layer {

    private final Layer norm1;
    private final MultiHeadAttention attention;
    private final Layer norm2;
    private final FeedForwardNetwork mlp;

    /** A causal block with fresh weights from {@code random} ({@link GPT} re-initialises them). */
    public Block(GPTConfig config, RandomGenerator random) {
        this(config, true, random);
    }

    /** A causal (decoder, GPT) or bidirectional (encoder, BERT) block with fresh weights from {@code random}. */
    public Block(GPTConfig config, boolean causal, RandomGenerator random) {
        int c = config.embeddingDim();
        var attentionConfig = new AttentionConfig(c, config.heads(), config.blockSize(), config.dropout(), config.bias(),
                causal, Kernel.FUSED);
        this.norm1 = child("norm1", config.norm().create(c, config.bias()));
        this.attention = child("attention", new MultiHeadAttention(attentionConfig, random));
        this.norm2 = child("norm2", config.norm().create(c, config.bias()));
        this.mlp = config.experts() > 0 ? child("mlp", new MixtureOfExperts(config, random))
                : switch (config.feedForward()) {
                    case GELU -> child("mlp", new MLP(config, random));
                    case SWIGLU -> child("mlp", new SwiGLU(config, random));
                };
    }

    /** (B, T, C) → (B, T, C). */
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /** (B, T, C) → (B, T, C), with the GPT's positions rotating q and k and biasing the scores (null: neither). */
    public Tensor forward(Tensor x, PositionEncoding positions) {
        Tensor normed = GPTConfig.Norm.apply(norm1, x);
        Tensor attended = positions == null ? attention.forward(normed)
                : attention.forward(normed, positions.rotates() ? positions::rotate : null,
                        positions.scoreBias(x.shape(1)));
        x = x.add(attended);                                           // (B, T, C)
        return x.add(mlp.forward(GPTConfig.Norm.apply(norm2, x)));    // (B, T, C)
    }

    /**
     * {@link #forward(Tensor, PositionEncoding)} that also returns this block's attention weights
     * (B, nh, T, T), with the positions applied as in training.
     */
    public AttentionOutput forwardWithWeights(Tensor x, PositionEncoding positions) {
        AttentionOutput attended = attention.forwardWithWeights(attentionInput(x),
                positions.rotates() ? positions::rotate : null, positions.scoreBias(x.shape(1)));
        x = x.add(attended.output());                                   // (B, T, C)
        return new AttentionOutput(x.add(feedForward(x)), attended.weights());
    }

    /** norm1(x): what the attention half reads, (B, T, C) → (B, T, C). */
    public Tensor attentionInput(Tensor x) {
        return GPTConfig.Norm.apply(norm1, x);
    }

    /** mlp(norm2(x)): what the feed-forward half adds to the residual stream, (B, T, C) → (B, T, C). */
    public Tensor feedForward(Tensor x) {
        return mlp.forward(GPTConfig.Norm.apply(norm2, x));
    }

    /** The self-attention half. */
    public MultiHeadAttention attention() {
        return attention;
    }

    /** The feed-forward half. */
    public FeedForwardNetwork mlp() {
        return mlp;
    }
}
