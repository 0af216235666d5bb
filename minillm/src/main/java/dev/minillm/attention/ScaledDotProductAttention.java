package dev.minillm.attention;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Scaled dot-product attention (缩放点积注意力), the equation of "Attention Is All You Need"
 * (Vaswani et al., 2017):
 * <pre>
 *   Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k + M) · V
 * </pre>
 * Every query (a row of Q: what a position is looking for) is compared with every key (a row of K:
 * what a position offers) by a dot product. Softmax turns one query's scores into weights that are
 * positive and sum to 1, and the output is the weighted average of the values (rows of V: what a
 * position passes on). The mask M is 0 where a query may look and -∞ where it may not, so those
 * weights come out exactly 0: the future in a causal (因果) model, padding in a batch of texts of
 * different lengths.
 *
 * <p>Why divide by √d_k: with entries of mean 0 and variance 1, a dot product of d_k terms has
 * variance d_k. Large scores push softmax towards one-hot, where its gradient vanishes; the
 * division brings the variance back to 1 whatever the head size. A temperature τ divides once
 * more: τ &gt; 1 flattens the weights, τ &lt; 1 sharpens them.
 *
 * <p>Shapes: {@code q} (..., Tq, d_k), {@code k} (..., Tk, d_k), {@code v} (..., Tk, d_v) give
 * (..., Tq, d_v); the leading axes (batch, heads) must be the same for all three. In a layer they
 * are (B, nh, T, hs).
 *
 * <pre>{@code
 * var q = Tensor.randn(1, 2, 5, 8); var k = Tensor.randn(2, 2, 5, 8); var v = Tensor.randn(3, 2, 5, 8);
 * var out = ScaledDotProductAttention.attend(q, k, v, Options.defaults().withCausal(true).withWeights(true));
 * out.output();   // (2, 5, 8)
 * out.weights();  // (2, 5, 5), zero above the diagonal
 * }</pre>
 */
public final class ScaledDotProductAttention {

    /** How attention is computed. Both kernels give the same numbers up to float rounding (~1e-6). */
    public enum Kernel {
        /**
         * Chapter 3's tensor ops, one line per step of the equation: the readable reference. It
         * builds the Tq×Tk scores per head, supports every option and records the graph for autograd.
         */
        COMPOSED,
        /**
         * The fused kernel ({@code FusedAttention}): row by row with Vector API dot products, only the
         * causal part, without building the Tq×Tk matrices, in parallel over (batch, head), with its
         * own backward pass (recorded through {@code Autograd.custom}). Used whenever it applies: no
         * padding mask and no dropout. Elsewhere the composed ops run, so FUSED is always safe to choose.
         */
        FUSED
    }

    /**
     * The switches of one attention call; start from {@link #defaults()} and change what you need.
     *
     * @param causal hide the future: query i (the i-th of the last Tq of Tk positions) sees keys
     *               0 .. i + Tk - Tq, the lower triangle when Tq = Tk
     * @param paddingMask (B, Tk) with 1 for a real token and 0 for padding, which no query may look at
     *                    (like Hugging Face's {@code attention_mask}); B is the first axis of q; null for none
     * @param temperature τ &gt; 0: the scores are divided by √d_k·τ
     * @param dropout the probability of dropping each attention weight (0: none); the kept ones are scaled by 1/(1-p)
     * @param random where the dropout masks come from (seeded, so a run repeats); may be null without dropout
     * @param kernel which implementation computes it
     * @param returnWeights keep the attention weights (a Tq×Tk matrix per head) in the {@link AttentionOutput}
     */
    public record Options(boolean causal, Tensor paddingMask, float temperature, float dropout, RandomGenerator random,
                          Kernel kernel, boolean returnWeights) {

        /** Checks the temperature, the dropout rate and its generator, and the kernel. */
        public Options {
            if (!(temperature > 0f) || !Float.isFinite(temperature)) {
                throw new IllegalArgumentException("attention: the temperature must be positive and finite, got "
                        + temperature + " (1 leaves the scores unchanged)");
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("attention: dropout must be in [0, 1), got " + dropout);
            }
            if (dropout > 0f && random == null) {
                throw new IllegalArgumentException("attention: dropout " + dropout
                        + " needs a random generator for its masks, e.g. new SplittableRandom(seed)");
            }
            if (kernel == null) {
                throw new IllegalArgumentException("attention: kernel must not be null (COMPOSED or FUSED)");
            }
        }

        /** No mask, temperature 1, no dropout, the composed kernel, no weights kept. */
        public static Options defaults() {
            return new Options(false, null, 1f, 0f, null, Kernel.COMPOSED, false);
        }

        /** These options with or without the causal mask. */
        public Options withCausal(boolean causal) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }

        /** These options with a padding mask (B, Tk): 1 for real tokens, 0 for padding; null for none. */
        public Options withPaddingMask(Tensor paddingMask) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }

        /** These options with another softmax temperature. */
        public Options withTemperature(float temperature) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }

        /** These options with dropout on the attention weights, masks drawn from {@code random}. */
        public Options withDropout(float dropout, RandomGenerator random) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }

        /** These options with another kernel. */
        public Options withKernel(Kernel kernel) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }

        /** These options keeping (or not) the attention weights. */
        public Options withWeights(boolean returnWeights) {
            return new Options(causal, paddingMask, temperature, dropout, random, kernel, returnWeights);
        }
    }

    private ScaledDotProductAttention() {}

    /** softmax(Q·Kᵀ / √d_k)·V without a mask: (..., Tq, d_k), (..., Tk, d_k), (..., Tk, d_v) → (..., Tq, d_v). */
    public static Tensor attend(Tensor q, Tensor k, Tensor v) {
        return attend(q, k, v, Options.defaults()).output();
    }

    /**
     * Attention with the given options: (..., Tq, d_k), (..., Tk, d_k), (..., Tk, d_v) → (..., Tq, d_v).
     * A query that may see no key at all (only possible with a padding mask) gets zero weights and
     * a zero output, instead of the 0/0 = NaN of a softmax over nothing.
     *
     * @throws IllegalArgumentException if the shapes of q, k, v or of the padding mask do not fit
     *                                  (the message names the shapes), or a causal call has more queries than keys
     */
    public static AttentionOutput attend(Tensor q, Tensor k, Tensor v, Options options) {
        check(q, k, v, options);
        return fusedApplies(q, k, v, options) ? fused(q, k, v, options) : composed(q, k, v, options);
    }

    /**
     * The causal mask (Tq, Tk): 1 where query i may not look (key j &gt; i + Tk - Tq, the future),
     * 0 elsewhere. With Tq = Tk, ones above the diagonal; with fewer queries than keys (the newest
     * positions, their earlier keys cached), every query sees all the earlier keys.
     */
    public static Tensor causalMask(int queries, int keys) {
        float[] hidden = new float[queries * keys];
        int shift = keys - queries;
        for (int i = 0; i < queries; i++) {
            for (int j = Math.max(0, i + shift + 1); j < keys; j++) {
                hidden[i * keys + j] = 1f;
            }
        }
        return Tensor.of(hidden, queries, keys);
    }

    // ---------------------------------------------------------------- the reference: the equation, step by step

    /** The equation on tensor ops, with autograd: the version to read. */
    static AttentionOutput composed(Tensor q, Tensor k, Tensor v, Options o) {
        int headSize = q.shape(-1);
        // 1. How well each query matches each key, scaled so the scores have variance ~1.
        Tensor scores = q.matmul(k.transpose()).div((float) Math.sqrt(headSize) * o.temperature()); // (..., Tq, Tk)
        // 2. -∞ where a query may not look: e^-∞ = 0, so softmax gives those keys no weight.
        Hidden hidden = Hidden.of(q, k, o);
        if (hidden != null) {
            scores = scores.maskedFill(hidden.positions(), Float.NEGATIVE_INFINITY);                // (..., Tq, Tk)
        }
        // 3. Each query's scores become weights: positive, summing to 1 over the keys.
        Tensor weights = scores.softmax();                                                           // (..., Tq, Tk)
        if (hidden != null && hidden.emptyRows() != null) {
            weights = weights.maskedFill(hidden.emptyRows(), 0f); // queries that may see nothing get nothing
        }
        // 4. Each output row is the weighted average of the value rows.
        Tensor output = weights.dropout(o.dropout(), o.random()).matmul(v);                        // (..., Tq, d_v)
        return new AttentionOutput(output, o.returnWeights() ? weights.detach() : null);
    }

    /**
     * The positions to hide, as a constant mask that broadcasts to the scores (1 = hidden): the
     * causal mask (Tq, Tk), the padding mask as (B, 1, ..., 1, Tk), or their union
     * (B, 1, ..., Tq, Tk). A row where everything is hidden would be softmax of all -∞, 0/0 = NaN:
     * such rows are left unhidden (any finite row will do) and listed in {@code emptyRows}
     * (B, 1, ..., Tq, 1), whose weights are then set to 0.
     */
    private record Hidden(Tensor positions, Tensor emptyRows) {

        static Hidden of(Tensor q, Tensor k, Options o) {
            if (!o.causal() && o.paddingMask() == null) {
                return null;
            }
            int rank = q.rank(), tq = q.shape(-2), tk = k.shape(-2);
            if (o.paddingMask() == null) {
                return new Hidden(causalMask(tq, tk), null); // a causal row always sees at least one key
            }
            float[] keep = o.paddingMask().toArray(); // (B, Tk)
            int batch = keep.length / tk;
            float[] causal = o.causal() ? causalMask(tq, tk).toArray() : new float[tq * tk];
            float[] hidden = new float[batch * tq * tk];
            float[] empty = new float[batch * tq];
            boolean anyEmpty = false;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < tq; i++) {
                    int row = (b * tq + i) * tk;
                    boolean all = true;
                    for (int j = 0; j < tk; j++) {
                        hidden[row + j] = causal[i * tk + j] != 0f || keep[b * tk + j] == 0f ? 1f : 0f;
                        all &= hidden[row + j] != 0f;
                    }
                    if (all) {
                        Arrays.fill(hidden, row, row + tk, 0f);
                        empty[b * tq + i] = 1f;
                        anyEmpty = true;
                    }
                }
            }
            int[] shape = new int[rank]; // (B, 1, ..., 1, Tq, Tk)
            Arrays.fill(shape, 1);
            shape[0] = batch;
            shape[rank - 2] = tq;
            shape[rank - 1] = tk;
            int[] rowShape = shape.clone();
            rowShape[rank - 1] = 1;
            return new Hidden(Tensor.of(hidden, shape), anyEmpty ? Tensor.of(empty, rowShape) : null);
        }
    }

    // ---------------------------------------------------------------- the fast path

    /** True when the fused kernel is chosen and can compute this call: no padding mask, no dropout. */
    private static boolean fusedApplies(Tensor q, Tensor k, Tensor v, Options o) {
        return o.kernel() == Kernel.FUSED && o.paddingMask() == null && o.dropout() == 0f;
    }

    /** The same result from {@code FusedAttention}: the leading axes are flattened into independent (batch, head) slices. */
    private static AttentionOutput fused(Tensor q, Tensor k, Tensor v, Options o) {
        int rank = q.rank(), tq = q.shape(-2), tk = k.shape(-2), headSize = q.shape(-1), valueSize = v.shape(-1);
        int[] leading = Arrays.copyOf(q.shape(), rank - 2);
        int slices = Arrays.stream(leading).reduce(1, (a, b) -> a * b);
        float scale = 1f / ((float) Math.sqrt(headSize) * o.temperature()); // the same float the composed ops divide by
        var shape = new FusedAttention.Shape(slices, tq, tk, headSize, valueSize, o.causal(), scale);
        boolean recordsGraph = Autograd.isGradEnabled() && (q.requiresGrad() || k.requiresGrad() || v.requiresGrad());
        float[] qs = q.toArray(), ks = k.toArray(), vs = v.toArray();
        RowOps ops = RowOps.best();
        // Training keeps the weights: the backward pass needs them (only the causal triangle is stored).
        var result = FusedAttention.forward(shape, qs, ks, vs, o.returnWeights() || recordsGraph, ops);
        Tensor output = Tensor.of(result.output(), append(leading, tq, valueSize));
        Tensor weights = o.returnWeights() ? Tensor.of(shape.unpack(result.probabilities()), append(leading, tq, tk)) : null;
        if (recordsGraph) {
            output = Autograd.custom("fused attention", output, outputGrad -> {
                var gradients = FusedAttention.backward(shape, qs, ks, vs, result.probabilities(), outputGrad, ops);
                return new float[][] {gradients.query(), gradients.key(), gradients.value()};
            }, q, k, v);
        }
        return new AttentionOutput(output, weights);
    }

    private static int[] append(int[] leading, int rows, int columns) {
        int[] shape = Arrays.copyOf(leading, leading.length + 2);
        shape[leading.length] = rows;
        shape[leading.length + 1] = columns;
        return shape;
    }

    // ---------------------------------------------------------------- bad input

    private static void check(Tensor q, Tensor k, Tensor v, Options o) {
        if (q == null || k == null || v == null || o == null) {
            throw new IllegalArgumentException("attention: q, k, v and the options must not be null");
        }
        String shapes = "q " + str(q) + ", k " + str(k) + ", v " + str(v);
        if (q.rank() < 2 || q.rank() != k.rank() || q.rank() != v.rank()) {
            throw new IllegalArgumentException("attention: q, k and v must have the same number of axes, at least 2 "
                    + "(..., T, d); got " + shapes);
        }
        int rank = q.rank();
        if (!Arrays.equals(Arrays.copyOf(q.shape(), rank - 2), Arrays.copyOf(k.shape(), rank - 2))
                || !Arrays.equals(Arrays.copyOf(q.shape(), rank - 2), Arrays.copyOf(v.shape(), rank - 2))) {
            throw new IllegalArgumentException("attention: q, k and v must agree on the leading (batch, head) axes, "
                    + "all but the last two; got " + shapes);
        }
        if (q.shape(-1) != k.shape(-1)) {
            throw new IllegalArgumentException("attention: q and k must have the same size on the last axis (d_k, "
                    + "compared by dot products), got " + q.shape(-1) + " and " + k.shape(-1) + " (" + shapes + ")");
        }
        if (k.shape(-2) != v.shape(-2)) {
            throw new IllegalArgumentException("attention: k and v must have one row per key position, got "
                    + k.shape(-2) + " keys and " + v.shape(-2) + " values (" + shapes + ")");
        }
        if (q.shape(-2) < 1 || k.shape(-2) < 1 || q.shape(-1) < 1 || v.shape(-1) < 1) {
            throw new IllegalArgumentException("attention: needs at least one query, one key and non-empty vectors, got "
                    + shapes);
        }
        if (o.causal() && q.shape(-2) > k.shape(-2)) {
            throw new IllegalArgumentException("attention: a causal call needs at least as many keys as queries (the "
                    + "queries are the last Tq of the Tk positions), got Tq=" + q.shape(-2) + ", Tk=" + k.shape(-2));
        }
        Tensor mask = o.paddingMask();
        if (mask != null) {
            if (rank < 3) {
                throw new IllegalArgumentException("attention: a padding mask needs a batch axis: q must be (B, ..., T, d), got "
                        + str(q));
            }
            if (mask.rank() != 2 || mask.shape(0) != q.shape(0) || mask.shape(1) != k.shape(-2)) {
                throw new IllegalArgumentException("attention: the padding mask must have shape (B, Tk) = (" + q.shape(0)
                        + ", " + k.shape(-2) + "), one entry per key position (1 = token, 0 = padding), got " + str(mask));
            }
        }
    }

    private static String str(Tensor t) {
        return Arrays.toString(t.shape()).replace('[', '(').replace(']', ')');
    }
}
