package dev.minillm.attention;

import dev.minillm.tensor.Parallel;

import java.util.function.IntConsumer;

/**
 * Attention as one fused kernel, forward and backward, on flat float arrays: the same numbers as
 * {@link ScaledDotProductAttention}'s composed ops, computed differently.
 *
 * <p><b>Why fuse.</b> The composed ops build, per head, the Tq×Tk scores, the masked scores and
 * the weights as whole tensors, each written to memory and read back by the next op; in a causal
 * model half of every matrix is -∞ or 0, computed and then thrown away. Here each query row is
 * finished before the next one starts: its scores against the keys it may see, their softmax and
 * the weighted sum of the values, all in a scratch row of Tk floats that stays in the L1 cache.
 * Nothing of size Tq×Tk is ever allocated unless the weights are kept for the backward pass (or a
 * plot), and then only the visible part: a causal head keeps Tq(Tq+1)/2 numbers, not Tq².
 *
 * <p><b>Layout.</b> The leading axes (batch, heads) are flattened into {@code slices} independent
 * problems; slice s of q is the row-major (Tq, d_k) matrix starting at s·Tq·d_k, and likewise for
 * k (Tk, d_k), v (Tk, d_v) and the output (Tq, d_v). The slices are shared out over the cores;
 * each is computed start to finish by one thread in a fixed order, so the result never depends on
 * how many threads there are or which ran what.
 *
 * <p><b>Backward.</b> With P the kept weights, G = dL/dOutput and s the scale 1/(√d_k·τ):
 * <pre>
 *   dP_ij = G_i · V_j                                how the loss changes with each weight
 *   dS_ij = s · P_ij · (dP_ij - Σ_j' P_ij' dP_ij')   through the softmax (its Jacobian is diag(P) - P·Pᵀ)
 *   dQ_i  = Σ_j dS_ij · K_j                          row by row, like the forward pass
 *   dK_j  = Σ_i dS_ij · Q_i,  dV_j = Σ_i P_ij · G_i  column by column, over the queries that see key j
 * </pre>
 * Keeping P costs memory but saves recomputing the scores and the exponentials; FlashAttention
 * makes the other choice (keep only each row's max and sum, recompute P), which pays off on GPUs.
 */
final class FusedAttention {

    /** Below this many multiply-adds in all, the slices run on the calling thread: waking the others would cost more. */

    private FusedAttention() {}

    /**
     * The sizes of one call.
     *
     * @param slices independent (batch, head) pairs
     * @param queries Tq
     * @param keys Tk (≥ Tq when causal: the queries are the last Tq positions)
     * @param headSize d_k, the size of queries and keys
     * @param valueSize d_v, the size of values and outputs
     * @param causal whether query i sees only keys 0 .. i + Tk - Tq
     * @param scale 1/(√d_k·τ), the factor on every dot product
     */
    record Shape(int slices, int queries, int keys, int headSize, int valueSize, boolean causal, float scale) {

        Shape {
            if (causal && queries > keys) {
                throw new IllegalArgumentException("fused attention: causal needs Tq ≤ Tk, got Tq=" + queries + ", Tk=" + keys);
            }
            if ((long) queries * keys > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("fused attention: Tq·Tk = " + (long) queries * keys
                        + " weights per head do not fit in one array; use shorter sequences");
            }
        }

        /** How many keys query i sees: the row length of its scores. */
        int visible(int i) {
            return causal ? i + keys - queries + 1 : keys;
        }

        /** The first query that sees key j: every later one does too. */
        int firstQuery(int j) {
            return causal ? Math.max(0, j - (keys - queries)) : 0;
        }

        /** Where row i of a slice's kept weights starts: the rows are packed, without the hidden part. */
        int rowStart(int i) {
            return causal ? i * (keys - queries) + i * (i + 1) / 2 : i * keys;
        }

        /** Kept weights per slice: Tq·Tk, or the causal part only. */
        int weightsPerSlice() {
            return rowStart(queries);
        }

        /** Multiply-adds per slice, forward: a dot product of d_k and an update of d_v per visible score. */
        long work() {
            return (long) weightsPerSlice() * (headSize + valueSize);
        }

        /** The packed weights of every slice as one dense (slices, Tq, Tk) array, zeros where hidden. */
        float[] unpack(float[][] weights) {
            float[] dense = new float[slices * queries * keys];
            for (int s = 0; s < slices; s++) {
                for (int i = 0; i < queries; i++) {
                    System.arraycopy(weights[s], rowStart(i), dense, (s * queries + i) * keys, visible(i));
                }
            }
            return dense;
        }
    }

    /** The output (slices·Tq·d_v floats) and, if asked for, each slice's packed weights (else null). */
    record Forward(float[] output, float[][] probabilities) {}

    /** dL/dq, dL/dk and dL/dv, laid out like q, k and v. */
    record Gradients(float[] query, float[] key, float[] value) {}

    /** The output of attention for every slice; keeps the weights when {@code keep} (for backward, or a plot). */
    static Forward forward(Shape s, float[] q, float[] k, float[] v, boolean keep, RowOps ops) {
        float[] output = new float[s.slices() * s.queries() * s.valueSize()];
        float[][] probabilities = keep ? new float[s.slices()][] : null;
        forEachSlice(s, slice -> {
            int tq = s.queries(), tk = s.keys(), dk = s.headSize(), dv = s.valueSize();
            // Kᵀ (d_k, Tk): the scores of a row are then a vector over keys (see VectorRowOps.scores).
            int stride = paddedStride(tk, ops);
            float[] keysT = transpose(k, slice * tk * dk, tk, dk, stride);
            float[] row = new float[tk + ops.lanes()];
            float[] kept = keep ? (probabilities[slice] = new float[s.weightsPerSlice()]) : null;
            int qBase = slice * tq * dk, vBase = slice * tk * dv, oBase = slice * tq * dv;
            for (int i = 0; i < tq; i++) {
                int n = s.visible(i); // the keys past n are the future: not even their scores are computed
                ops.scores(q, qBase + i * dk, dk, keysT, stride, n, s.scale(), row); // row[j] = q_i·k_j / (√d_k·τ)
                ops.softmax(row, n);                                              // row[j] = P_ij
                ops.accumulate(row, n, v, vBase, dv, output, oBase + i * dv);     // out_i = Σ_j P_ij v_j
                if (kept != null) {
                    System.arraycopy(row, 0, kept, s.rowStart(i), n);
                }
            }
        });
        return new Forward(output, probabilities);
    }

    /**
     * The gradients of q, k and v from dL/dOutput, using the weights kept by {@link #forward}.
     *
     * <p>Two passes per slice. Row by row over the queries: dP, dS (kept, packed like P) and dQ_i,
     * a weighted sum of key rows. Then key by key: dK_j and dV_j are weighted sums of the query
     * rows and of the output-gradient rows that saw key j, with the weights of column j of dS and
     * P. Computed row by row instead, every (i, j) would read and write all of dK_j and dV_j once
     * more; column by column, each dK_j and dV_j stays in registers while the rows stream past.
     */
    static Gradients backward(Shape s, float[] q, float[] k, float[] v, float[][] probabilities, float[] outputGrad,
                              RowOps ops) {
        if (probabilities == null) {
            throw new IllegalArgumentException("fused attention backward: needs the weights kept by forward(..., keep=true, ...)");
        }
        float[] dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        forEachSlice(s, slice -> {
            int tq = s.queries(), tk = s.keys(), hk = s.headSize(), hv = s.valueSize();
            float[] p = probabilities[slice];
            float[] dScores = new float[s.weightsPerSlice()]; // dS, packed like P
            int stride = paddedStride(tk, ops);
            float[] valuesT = transpose(v, slice * tk * hv, tk, hv, stride); // Vᵀ (d_v, Tk), for dP as for the scores
            float[] pRow = new float[tk + ops.lanes()], dRow = new float[tk + ops.lanes()];
            int qBase = slice * tq * hk, kBase = slice * tk * hk, vBase = slice * tk * hv, gBase = slice * tq * hv;
            for (int i = 0; i < tq; i++) {
                int n = s.visible(i), start = s.rowStart(i);
                System.arraycopy(p, start, pRow, 0, n);
                ops.scores(outputGrad, gBase + i * hv, hv, valuesT, stride, n, 1f, dRow); // dP_ij = G_i·v_j
                ops.softmaxBackward(pRow, dRow, n, s.scale());                       // dS_ij, the gradient of q_i·k_j
                ops.accumulate(dRow, n, k, kBase, hk, dq, qBase + i * hk);          // dQ_i = Σ_j dS_ij k_j
                System.arraycopy(dRow, 0, dScores, start, n);
            }
            float[] column = new float[tq + ops.lanes()], pColumn = new float[tq + ops.lanes()];
            for (int j = 0; j < tk; j++) {
                int first = s.firstQuery(j), count = tq - first;
                for (int i = first; i < tq; i++) {
                    int at = s.rowStart(i) + j;
                    column[i - first] = dScores[at];
                    pColumn[i - first] = p[at];
                }
                ops.accumulate(column, count, q, qBase + first * hk, hk, dk, kBase + j * hk);          // dK_j = Σ_i dS_ij q_i
                ops.accumulate(pColumn, count, outputGrad, gBase + first * hv, hv, dv, vBase + j * hv); // dV_j = Σ_i P_ij G_i
            }
        });
        return new Gradients(dq, dk, dv);
    }

    /**
     * Runs {@code body} for every slice, spread over the engine's worker pool when there is enough
     * work. Each slice writes only its own part of the outputs (and the backward's dK, dV
     * accumulate within a slice), so any split over threads gives the same bits.
     */
    private static void forEachSlice(Shape s, IntConsumer body) {
        Parallel.forRows(s.slices(), (int) Math.min(Integer.MAX_VALUE, s.work()), body);
    }

    /**
     * The row length of a transposed (d, Tk) matrix: Tk plus one vector. The spare floats let the
     * last, partial vector of a row be read whole; they also keep the rows from being a power of
     * two apart (Tk = 1024 floats = 4 KiB), which would map every row read by one block of scores
     * to the same few cache sets, where they evict each other.
     */
    private static int paddedStride(int keys, RowOps ops) {
        return keys + ops.lanes();
    }

    /** The (rows, columns) matrix at {@code offset}, transposed to (columns, stride), stride ≥ rows. */
    private static float[] transpose(float[] a, int offset, int rows, int columns, int stride) {
        float[] t = new float[columns * stride];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * stride + r] = a[offset + r * columns + c];
            }
        }
        return t;
    }
}
