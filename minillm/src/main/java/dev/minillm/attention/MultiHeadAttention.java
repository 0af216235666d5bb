package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Multi-head self-attention (多头自注意力): every position of one sequence attends to the
 * positions of the same sequence, in {@code nh} heads at once.
 *
 * <p>One head compares everything in a single way. Several heads, each on its own slice of
 * hs = C / nh dimensions, can look for different things at the same cost: one for the previous
 * token, one for the subject of the sentence. The heads' outputs are put side by side and mixed by
 * an output projection:
 * <pre>
 *   q, k, v = x·W_qkv split in three          one matmul for all three projections
 *   head_h  = Attention(q_h, k_h, v_h)        nh heads in parallel, each (T, hs)
 *   y       = [head_1 ... head_nh]·W_proj
 * </pre>
 * The fused projection {@code qkv} is one Linear(C, 3C): rows 0..C of its weight make the
 * queries, C..2C the keys, 2C..3C the values, and inside each, head h owns columns h·hs..(h+1)·hs,
 * the layout of nanoGPT and GPT-2's {@code c_attn}.
 */
public final class MultiHeadAttention extends Layer {

    private final AttentionConfig config;
    private final Linear qkv;               // (3C, C): W_q, W_k, W_v stacked
    private final Linear proj;              // (C, C): W_o
    private final Dropout residualDropout;  // on the output, as in GPT-2
    private final RandomGenerator attentionDropout; // masks for the attention weights

    /** A layer with fresh weights from {@code random} (PyTorch's Linear initialisation); dropout masks come from it too. */
    public MultiHeadAttention(AttentionConfig config, RandomGenerator random) {
        this.config = config;
        int c = config.embeddingDim();
        this.qkv = child("qkv", new Linear(c, 3 * c, config.bias(), random));
        this.proj = child("proj", new Linear(c, c, config.bias(), random));
        this.residualDropout = child("residualDropout", new Dropout(config.dropout(), new SplittableRandom(random.nextLong())));
        this.attentionDropout = new SplittableRandom(random.nextLong());
    }

    /** A layer with fresh weights drawn from {@code new SplittableRandom(seed)}. */
    public MultiHeadAttention(AttentionConfig config, long seed) {
        this(config, new SplittableRandom(seed));
    }

    /** (B, T, C) → (B, T, C). */
    public Tensor forward(Tensor x) {
        return forward(x, null, false).output();
    }

    /** (B, T, C) → (B, T, C), with a padding mask (B, T): 1 for tokens, 0 for padding (null for none). */
    public Tensor forward(Tensor x, Tensor paddingMask) {
        return forward(x, paddingMask, false).output();
    }

    /**
     * (B, T, C) → (B, T, C) with relative positions (chapter 8): {@code rotate} turns the queries and
     * keys (B, nh, T, hs) by their positions before the kernel (RoPE), and {@code scoreBias} (nh, T, T)
     * is added to the scaled scores before the mask and softmax (ALiBi). Either may be null. A bias
     * needs the composed path (the fused kernel has no bias input).
     */
    public Tensor forward(Tensor x, UnaryOperator<Tensor> rotate, Tensor scoreBias) {
        return forwardWithWeights(x, rotate, scoreBias, false).output();
    }

    /**
     * {@link #forward(Tensor, UnaryOperator, Tensor)} that also returns the attention weights
     * (B, nh, T, T) the positions produced, for heatmaps of RoPE and ALiBi models.
     */
    public AttentionOutput forwardWithWeights(Tensor x, UnaryOperator<Tensor> rotate, Tensor scoreBias) {
        return forwardWithWeights(x, rotate, scoreBias, true);
    }

    private AttentionOutput forwardWithWeights(Tensor x, UnaryOperator<Tensor> rotate, Tensor scoreBias,
                                               boolean keepWeights) {
        checkInput("MultiHeadAttention", "x", x, config.embeddingDim(), config.blockSize());
        int c = config.embeddingDim(), heads = config.heads();
        List<Tensor> qkv = this.qkv.forward(x).split(2, c, c, c);  // 3 × (B, T, C)
        Tensor q = splitHeads(qkv.get(0), heads);                   // (B, nh, T, hs)
        Tensor k = splitHeads(qkv.get(1), heads);                   // (B, nh, T, hs)
        Tensor v = splitHeads(qkv.get(2), heads);                   // (B, nh, T, hs)
        if (rotate != null) {
            q = rotate.apply(q);
            k = rotate.apply(k);
        }
        Tensor y, weights = null;
        if (scoreBias == null) {
            AttentionOutput out = ScaledDotProductAttention.attend(q, k, v,
                    options(config, null, keepWeights, isTraining(), attentionDropout));
            y = out.output();                                       // (B, nh, T, hs)
            weights = keepWeights ? out.weights() : null;
        } else {
            int t = x.shape(1);
            Tensor scores = q.matmul(k.transpose()).div((float) Math.sqrt(config.headSize())) // (B, nh, T, T)
                    .add(scoreBias);                                                          // + (nh, T, T)
            if (config.causal()) {
                scores = scores.maskedFill(ScaledDotProductAttention.causalMask(t, t), Float.NEGATIVE_INFINITY);
            }
            float p = isTraining() ? config.dropout() : 0f;
            Tensor softmax = scores.softmax();                        // (B, nh, T, T)
            weights = keepWeights ? softmax : null;
            y = softmax.dropout(p, attentionDropout).matmul(v);       // (B, nh, T, hs)
        }
        return new AttentionOutput(residualDropout.forward(proj.forward(mergeHeads(y))), weights); // (B, T, C)
    }

    /** The output (B, T, C) and the attention weights (B, nh, T, T) of every head, for heatmaps. */
    public AttentionOutput forwardWithWeights(Tensor x, Tensor paddingMask) {
        return forward(x, paddingMask, true);
    }

    private AttentionOutput forward(Tensor x, Tensor paddingMask, boolean keepWeights) {
        checkInput("MultiHeadAttention", "x", x, config.embeddingDim(), config.blockSize());
        int c = config.embeddingDim(), heads = config.heads();
        List<Tensor> qkv = this.qkv.forward(x).split(2, c, c, c);  // 3 × (B, T, C)
        Tensor q = splitHeads(qkv.get(0), heads);                   // (B, nh, T, hs)
        Tensor k = splitHeads(qkv.get(1), heads);                   // (B, nh, T, hs)
        Tensor v = splitHeads(qkv.get(2), heads);                   // (B, nh, T, hs)
        AttentionOutput attention = ScaledDotProductAttention.attend(q, k, v, options(config, paddingMask, keepWeights,
                isTraining(), attentionDropout));                   // (B, nh, T, hs)
        Tensor y = mergeHeads(attention.output());                  // (B, T, C): the heads side by side
        y = residualDropout.forward(proj.forward(y));               // (B, T, C)
        return new AttentionOutput(y, keepWeights ? attention.weights() : null);
    }

    /** The configuration. */
    public AttentionConfig config() {
        return config;
    }

    /** The fused projection to queries, keys and values: weight (3C, C). */
    public Linear qkv() {
        return qkv;
    }

    /** The output projection: weight (C, C). */
    public Linear proj() {
        return proj;
    }

    /** (B, T, C) → (B, nh, T, hs): each head's slice of the channels becomes its own batch entry. */
    public static Tensor splitHeads(Tensor x, int heads) {
        int b = x.shape(0), t = x.shape(1), c = x.shape(2);
        if (c % heads != 0) {
            throw new IllegalArgumentException("splitHeads: " + c + " channels do not divide into " + heads + " heads");
        }
        return x.reshape(b, t, heads, c / heads).transpose(1, 2); // (B, T, nh, hs) → (B, nh, T, hs)
    }

    /** (B, nh, T, hs) → (B, T, C): the inverse of {@link #splitHeads}, the heads' outputs side by side. */
    public static Tensor mergeHeads(Tensor x) {
        int b = x.shape(0), heads = x.shape(1), t = x.shape(2), hs = x.shape(3);
        return x.transpose(1, 2).reshape(b, t, heads * hs); // (B, T, nh, hs) → (B, T, C)
    }

    /** Attention options for a layer: its mask, kernel and, in training, its dropout. */
    static Options options(AttentionConfig config, Tensor paddingMask, boolean keepWeights, boolean training,
                           RandomGenerator dropoutRandom) {
        return Options.defaults().withCausal(config.causal()).withPaddingMask(paddingMask).withKernel(config.kernel())
                .withDropout(training ? config.dropout() : 0f, dropoutRandom).withWeights(keepWeights);
    }

    /** Checks that {@code x} is (B, T, channels) with T ≤ blockSize, naming the layer and the problem. */
    static void checkInput(String layer, String name, Tensor x, int channels, int blockSize) {
        if (x == null) {
            throw new IllegalArgumentException(layer + ": " + name + " must not be null");
        }
        if (x.rank() != 3 || x.shape(2) != channels) {
            throw new IllegalArgumentException(layer + ": " + name + " must have shape (B, T, " + channels + "), got "
                    + Arrays.toString(x.shape()).replace('[', '(').replace(']', ')')
                    + (x.rank() == 2 && x.shape(1) == channels ? "; add the batch axis with unsqueeze(0)" : ""));
        }
        if (x.shape(1) > blockSize) {
            throw new IllegalArgumentException(layer + ": " + name + " has T = " + x.shape(1)
                    + " positions, more than the configured maximum blockSize = " + blockSize
                    + "; keep the last " + blockSize + " positions, or configure a larger blockSize");
        }
    }

    @Override
    protected String describe() {
        return "C=" + config.embeddingDim() + ", heads=" + config.heads() + ", hs=" + config.headSize()
                + ", causal=" + config.causal() + ", kernel=" + config.kernel();
    }
}
