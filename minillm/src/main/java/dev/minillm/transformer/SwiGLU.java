package dev.minillm.transformer;

import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Llama's feed-forward network (Shazeer, 2020): a gated linear unit with SiLU,
 * (SiLU(x·W_gate) ⊙ x·W_up)·W_down. The gate decides, per hidden unit, how much of the "up"
 * value passes; with three matrices its hidden width is about 8C/3 ({@link GPTConfig#hiddenDim()}).
 */
public final class SwiGLU extends Layer implements FeedForwardNetwork {

    private final Linear gate;      // (H, C)
    private final Linear up;        // (H, C)
    private final Linear proj;      // (C, H): "down" in Llama
    private final Dropout dropout;

    /** Fresh weights from {@code random} (GPT re-initialises them); dropout masks from it too. */
    public SwiGLU(GPTConfig config, RandomGenerator random) {
        int c = config.embeddingDim(), hidden = config.hiddenDim();
        this.gate = child("gate", new Linear(c, hidden, config.bias(), random));
        this.up = child("up", new Linear(c, hidden, config.bias(), random));
        this.proj = child("proj", new Linear(hidden, c, config.bias(), random));
        this.dropout = child("dropout", new Dropout(config.dropout(), new SplittableRandom(random.nextLong())));
    }

    @Override
    public Tensor forward(Tensor x) {                                   // (B, T, C)
        Tensor h = gate.forward(x).silu().mul(up.forward(x));           // (B, T, H)
        return dropout.forward(proj.forward(h));                        // (B, T, C)
    }

    /** The last linear layer, whose output is added to the residual stream (GPT-2 initialises it smaller). */
    public Linear proj() {
        return proj;
    }
}
