package dev.minillm.infer;

/**
 * Attention for one query computed tile by tile with an online softmax (在线 softmax), the idea
 * behind FlashAttention (Dao et al., 2022). Plain attention first computes all T scores, then their
 * maximum, then the exponentials, then the weighted sum of the values: it needs the whole row of
 * scores in memory. The online form reads keys and values one tile at a time and keeps only
 * three running quantities:
 * <pre>
 *   m   the largest score so far
 *   l   Σ e^(s_j − m) over the keys so far
 *   o   Σ e^(s_j − m) · v_j over the keys so far (a vector)
 * </pre>
 * When a tile brings a larger maximum m', the old sums are rescaled by e^(m − m'), so at the end
 * o / l is exactly softmax(s)·V. On a GPU the tiles fit in fast on-chip memory and the T×T score
 * matrix is never written to slow memory, which is where FlashAttention's speed comes from.
 */
public final class OnlineSoftmax {

    private OnlineSoftmax() {}

    /**
     * softmax(q·kᵀ·scale + mask)·V for one query, all scores at once (the reference).
     *
     * @param keys (T, d) row-major
     * @param values (T, dv) row-major
     * @param mask T additive terms (0 or −∞), or null
     */
    public static float[] plain(float[] q, float[] keys, float[] values, int length, float scale, float[] mask) {
        int d = q.length, dv = values.length / length;
        double[] scores = new double[length];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < length; j++) {
            scores[j] = score(q, keys, j, d, scale, mask);
            max = Math.max(max, scores[j]);
        }
        float[] out = new float[dv];
        if (max == Double.NEGATIVE_INFINITY) {
            return out;                       // every key masked: no information, output 0
        }
        double sum = 0;
        for (int j = 0; j < length; j++) {
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
        }
        for (int j = 0; j < length; j++) {
            for (int e = 0; e < dv; e++) {
                out[e] += (float) (scores[j] / sum * values[j * dv + e]);
            }
        }
        return out;
    }

    /** The same, reading {@code tile} keys at a time with a running maximum, sum and output. */
    public static float[] tiled(float[] q, float[] keys, float[] values, int length, float scale, float[] mask, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("OnlineSoftmax: tile must be >= 1, got " + tile);
        }
        int d = q.length, dv = values.length / length;
        double m = Double.NEGATIVE_INFINITY, l = 0;
        double[] o = new double[dv];
        for (int start = 0; start < length; start += tile) {
            int end = Math.min(length, start + tile);
            double tileMax = Double.NEGATIVE_INFINITY;
            double[] s = new double[end - start];
            for (int j = start; j < end; j++) {
                s[j - start] = score(q, keys, j, d, scale, mask);
                tileMax = Math.max(tileMax, s[j - start]);
            }
            double newMax = Math.max(m, tileMax);
            if (newMax == Double.NEGATIVE_INFINITY) {
                continue;                     // nothing visible yet
            }
            double rescale = Math.exp(m - newMax);   // 0 on the first visible tile (m = −∞)
            l *= rescale;
            for (int e = 0; e < dv; e++) {
                o[e] *= rescale;
            }
            for (int j = start; j < end; j++) {
                double p = Math.exp(s[j - start] - newMax);
                l += p;
                for (int e = 0; e < dv; e++) {
                    o[e] += p * values[j * dv + e];
                }
            }
            m = newMax;
        }
        float[] out = new float[dv];
        for (int e = 0; e < dv && l > 0; e++) {
            out[e] = (float) (o[e] / l);
        }
        return out;
    }

    private static double score(float[] q, float[] keys, int j, int d, float scale, float[] mask) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
            dot += q[i] * keys[j * d + i];
        }
        return dot * scale + (mask == null ? 0 : mask[j]);
    }
}
