package dev.minillm.transformer;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The decoder half of an {@link EncoderDecoder}: {@link DecoderBlock}s that read the target so far
 * (causally) and the encoder's output (all of it). Like the {@link Encoder}, it takes token
 * embeddings and leaves the output head to the model around it.
 */
public final class Decoder extends Layer {

    private final LearnedPositionEmbedding positionEmbedding;
    private final List<DecoderBlock> blocks = new ArrayList<>();
    private final Layer finalNorm;

    /** {@code config.layers()} decoder blocks with fresh weights from {@code random}. */
    public Decoder(GPTConfig config, RandomGenerator random) {
        int c = config.embeddingDim();
        this.positionEmbedding = child("positionEmbedding", new LearnedPositionEmbedding(config.blockSize(), c, random));
        var stack = child("blocks", new GPT.Blocks());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(stack.add(new DecoderBlock(config, random)));
        }
        this.finalNorm = child("finalNorm", config.norm().create(c, config.bias()));
    }

    /** Target embeddings (B, Tt, C) and the encoder's memory (B, Ts, C) → (B, Tt, C). */
    public Tensor forward(Tensor embeddings, Tensor memory) {
        Tensor x = embeddings.add(positionEmbedding.forward(embeddings.shape(1))); // (B, Tt, C)
        for (DecoderBlock block : blocks) {
            x = block.forward(x, memory);                                          // (B, Tt, C)
        }
        return GPTConfig.Norm.apply(finalNorm, x);
    }
}
