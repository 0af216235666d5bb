package dev.minillm.transformer;

import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** GPT-2's feed-forward network: widen to 4C, GELU, back to C. */
public final class MLP extends Layer implements FeedForwardNetwork {

    private final Linear fc;        // (4C, C)
    private final Linear proj;      // (C, 4C)
    private final Dropout dropout;  // on the output, before it joins the residual stream

    /** Fresh weights from {@code random} (GPT re-initialises them); dropout masks from it too. */
    public MLP(GPTConfig config, RandomGenerator random) {
        int c = config.embeddingDim(), hidden = config.hiddenDim();
        this.fc = child("fc", new Linear(c, hidden, config.bias(), random));
        this.proj = child("proj", new Linear(hidden, c, config.bias(), random));
        this.dropout = child("dropout", new Dropout(config.dropout(), new SplittableRandom(random.nextLong())));
    }

    @Override
    public Tensor forward(Tensor x) {                  // (B, T, C)
        Tensor h = fc.forward(x).gelu();               // (B, T, 4C)
        return dropout.forward(proj.forward(h));       // (B, T, C)
    }

    /** The last linear layer, whose output is added to the residual stream (GPT-2 initialises it smaller). */
    public Linear proj() {
        return proj;
    }
}
