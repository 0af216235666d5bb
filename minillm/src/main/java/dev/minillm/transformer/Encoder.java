package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A Transformer encoder (编码器): the GPT stack with the causal mask taken off, so every position
 * reads the whole sequence, left and right. BERT is one of these under a masked-LM head
 * ({@link MaskedLanguageModel}); T5 and BART put one in front of a {@link Decoder} ({@link EncoderDecoder}).
 * <pre>
 *   x = embeddings + positionEmbedding(0..T-1)      (B, T, C)
 *   x = finalNorm(block_L(... block_1(x)))           (B, T, C), blocks without a causal mask
 * </pre>
 * The token embedding is not part of it: the model around it owns that table, so an
 * encoder-decoder can share one table between its two halves and its output head.
 */
public final class Encoder extends Layer {

    private final LearnedPositionEmbedding positionEmbedding;
    private final List<Block> blocks = new ArrayList<>();
    private final Layer finalNorm;

    /** {@code config.layers()} bidirectional blocks with fresh weights from {@code random}. */
    public Encoder(GPTConfig config, RandomGenerator random) {
        int c = config.embeddingDim();
        this.positionEmbedding = child("positionEmbedding", new LearnedPositionEmbedding(config.blockSize(), c, random));
        var stack = child("blocks", new GPT.Blocks());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(stack.add(new Block(config, false, random)));
        }
        this.finalNorm = child("finalNorm", config.norm().create(c, config.bias()));
    }

    /** Token embeddings (B, T, C) → contextual vectors (B, T, C), each built from the whole sequence. */
    public Tensor forward(Tensor embeddings) {
        Tensor x = embeddings.add(positionEmbedding.forward(embeddings.shape(1))); // (B, T, C)
        for (Block block : blocks) {
            x = block.forward(x);                                                  // (B, T, C)
        }
        return GPTConfig.Norm.apply(finalNorm, x);
    }
}
