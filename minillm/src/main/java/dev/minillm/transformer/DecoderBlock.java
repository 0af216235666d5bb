package dev.minillm.transformer;

import dev.minillm.attention.AttentionConfig;
import dev.minillm.attention.CrossAttention;
import dev.minillm.attention.MultiHeadAttention;
import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * A decoder block of an encoder-decoder Transformer (T5, BART, the 2017 original): a {@link Block}
 * with a third half in the middle, cross-attention (交叉注意力) from the target positions to the
 * encoder's output ("memory"). Pre-norm, each half around a residual connection:
 * <pre>
 *   x = x + selfAttention(norm1(x))            causal: the target so far
 *   x = x + crossAttention(norm2(x), memory)   the whole source
 *   x = x + mlp(norm3(x))
 * </pre>
 */
public final class DecoderBlock extends Layer {

    private final Layer norm1, norm2, norm3;
    private final MultiHeadAttention selfAttention;
    private final CrossAttention crossAttention;
    private final MLP mlp;

    /** A block with fresh weights from {@code random}; the memory has width C, as the encoder's output. */
    public DecoderBlock(GPTConfig config, RandomGenerator random) {
        int c = config.embeddingDim();
        var attention = new AttentionConfig(c, config.heads(), config.blockSize(), config.dropout(), config.bias(), true,
                Kernel.FUSED);
        this.norm1 = child("norm1", config.norm().create(c, config.bias()));
        this.selfAttention = child("attention", new MultiHeadAttention(attention, random));
        this.norm2 = child("norm2", config.norm().create(c, config.bias()));
        this.crossAttention = child("crossAttention", new CrossAttention(attention.withCausal(false), c, random));
        this.norm3 = child("norm3", config.norm().create(c, config.bias()));
        this.mlp = child("mlp", new MLP(config, random));
    }

    /** x (B, Tt, C) and memory (B, Ts, C) → (B, Tt, C). */
    public Tensor forward(Tensor x, Tensor memory) {
        x = x.add(selfAttention.forward(GPTConfig.Norm.apply(norm1, x)));                 // (B, Tt, C)
        x = x.add(crossAttention.forward(GPTConfig.Norm.apply(norm2, x), memory));        // (B, Tt, C)
        return x.add(mlp.forward(GPTConfig.Norm.apply(norm3, x)));                        // (B, Tt, C)
    }
}
