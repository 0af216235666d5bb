package dev.minillm.infer;

/**
 * Attention of n new queries against a KV cache, on plain arrays: the kernel of {@link KvCacheModel}.
 * New query i sits at position offset + i and sees keys 0 .. offset + i (the causal rule: the cache
 * and the new tokens up to itself).
 */
final class CachedAttention {

    private CachedAttention() {}

    /**
     * @param q the new queries (nh, n, hs)
     * @param keys the key cache (nh, capacity, hs), filled up to offset + n
     * @param values the value cache, same layout
     * @param bias a score bias (nh, n, offset + n) added after scaling, or null
     * @return the outputs (nh, n, hs)
     */
    static float[] attend(float[] q, float[] keys, float[] values, int heads, int n, int offset, int capacity,
                          int headSize, float[] bias) {
        int total = offset + n;
        float scale = (float) (1 / Math.sqrt(headSize));
        float[] out = new float[heads * n * headSize];
        float[] scores = new float[total];
        for (int h = 0; h < heads; h++) {
            int cacheBase = h * capacity * headSize;
            for (int i = 0; i < n; i++) {
                int queryBase = (h * n + i) * headSize, visible = offset + i + 1;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {                     // s_j = q·k_j / √hs (+ bias)
                    float dot = 0;
                    for (int d = 0; d < headSize; d++) {
                        dot += q[queryBase + d] * keys[cacheBase + j * headSize + d];
                    }
                    scores[j] = dot * scale + (bias == null ? 0f : bias[(h * n + i) * total + j]);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++) {                     // softmax, stable
                    scores[j] = (float) Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                int outBase = (h * n + i) * headSize;
                for (int j = 0; j < visible; j++) {                     // Σ_j p_j · v_j
                    float p = (float) (scores[j] / sum);
                    for (int d = 0; d < headSize; d++) {
                        out[outBase + d] += p * values[cacheBase + j * headSize + d];
                    }
                }
            }
        }
        return out;
    }
}
