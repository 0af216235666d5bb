package dev.minillm.attention;

import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static dev.minillm.attention.MultiHeadAttention.checkInput;
import static dev.minillm.attention.MultiHeadAttention.mergeHeads;
import static dev.minillm.attention.MultiHeadAttention.splitHeads;

/**
 * Multi-head cross-attention (交叉注意力): the queries come from one sequence x, the keys and
 * values from another, the context. In the original Transformer the decoder attends this way to
 * the encoded source sentence; a captioning model attends to the patches of an image.
 *
 * <p>The same computation as {@link MultiHeadAttention} with two projections instead of one fused
 * one: {@code q} maps x to queries, {@code kv} maps the context to keys and values, so the context
 * may have another width and another length (Tk ≠ Tq). There is no causal mask (the context is
 * all known in advance), but padding in the context can be hidden.
 */
public final class CrossAttention extends Layer {

    private final AttentionConfig config;
    private final int contextDim;
    private final Linear q;                 // (C, C)
    private final Linear kv;                // (2C, contextDim): W_k and W_v stacked
    private final Linear proj;              // (C, C)
    private final Dropout residualDropout;
    private final RandomGenerator attentionDropout;

    /**
     * A layer from x (B, Tq, C) and a context (B, Tk, contextDim) to (B, Tq, C), weights from {@code random}.
     *
     * @throws IllegalArgumentException if the configuration is causal: queries and keys belong to
     *                                  different sequences, so "the future" means nothing here
     */
    public CrossAttention(AttentionConfig config, int contextDim, RandomGenerator random) {
        if (config.causal()) {
            throw new IllegalArgumentException("CrossAttention: the queries and the keys come from different sequences, "
                    + "so a causal mask does not apply; use config.withCausal(false)");
        }
        if (contextDim < 1) {
            throw new IllegalArgumentException("CrossAttention: contextDim must be positive, got " + contextDim);
        }
        this.config = config;
        this.contextDim = contextDim;
        int c = config.embeddingDim();
        this.q = child("q", new Linear(c, c, config.bias(), random));
        this.kv = child("kv", new Linear(contextDim, 2 * c, config.bias(), random));
        this.proj = child("proj", new Linear(c, c, config.bias(), random));
        this.residualDropout = child("residualDropout", new Dropout(config.dropout(), new SplittableRandom(random.nextLong())));
        this.attentionDropout = new SplittableRandom(random.nextLong());
    }

    /** A layer with fresh weights drawn from {@code new SplittableRandom(seed)}. */
    public CrossAttention(AttentionConfig config, int contextDim, long seed) {
        this(config, contextDim, new SplittableRandom(seed));
    }

    /** x (B, Tq, C) attends to context (B, Tk, contextDim) → (B, Tq, C). */
    public Tensor forward(Tensor x, Tensor context) {
        return forward(x, context, null, false).output();
    }

    /** As {@link #forward(Tensor, Tensor)}, hiding the context's padding: mask (B, Tk), 1 for tokens, 0 for padding. */
    public Tensor forward(Tensor x, Tensor context, Tensor contextPaddingMask) {
        return forward(x, context, contextPaddingMask, false).output();
    }

    /** The output (B, Tq, C) and the attention weights (B, nh, Tq, Tk), for heatmaps. */
    public AttentionOutput forwardWithWeights(Tensor x, Tensor context, Tensor contextPaddingMask) {
        return forward(x, context, contextPaddingMask, true);
    }

    private AttentionOutput forward(Tensor x, Tensor context, Tensor mask, boolean keepWeights) {
        checkInput("CrossAttention", "x", x, config.embeddingDim(), config.blockSize());
        checkInput("CrossAttention", "context", context, contextDim, config.blockSize());
        if (x.shape(0) != context.shape(0)) {
            throw new IllegalArgumentException("CrossAttention: x has batch size " + x.shape(0) + " but the context has "
                    + context.shape(0) + "; each sequence needs its own context");
        }
        int c = config.embeddingDim(), heads = config.heads();
        Tensor q = splitHeads(this.q.forward(x), heads);            // (B, nh, Tq, hs)
        List<Tensor> kv = this.kv.forward(context).split(2, c, c);  // 2 × (B, Tk, C)
        Tensor k = splitHeads(kv.get(0), heads);                    // (B, nh, Tk, hs)
        Tensor v = splitHeads(kv.get(1), heads);                    // (B, nh, Tk, hs)
        AttentionOutput attention = ScaledDotProductAttention.attend(q, k, v, MultiHeadAttention.options(config, mask,
                keepWeights, isTraining(), attentionDropout));      // (B, nh, Tq, hs)
        Tensor y = residualDropout.forward(proj.forward(mergeHeads(attention.output()))); // (B, Tq, C)
        return new AttentionOutput(y, keepWeights ? attention.weights() : null);
    }

    /** The configuration. */
    public AttentionConfig config() {
        return config;
    }

    /** The width of the context vectors. */
    public int contextDim() {
        return contextDim;
    }

    @Override
    protected String describe() {
        return "C=" + config.embeddingDim() + ", context=" + contextDim + ", heads=" + config.heads()
                + ", hs=" + config.headSize() + ", kernel=" + config.kernel();
    }
}
