package dev.minillm.exercises.ch10;

/**
 * Chapter 10 exercises: the arithmetic of fast inference, as nine static methods on plain arrays.
 *
 * <p>The KV cache's memory formula and what fits in a memory budget, attention of one new query
 * against a cache, one step of the online softmax, blocks and waste of a paged cache, static and
 * continuous batching counted in steps, and a row-split (tensor-parallel) matrix product. Each
 * method's Javadoc gives the task, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code InferenceTest}).
 */
public final class Inference {

    private Inference() {
    }

    /**
     * Exercise 1: bytes of KV cache per token: 2 (K and V) × layers × kvHeads × headSize × bytesPerNumber.
     *
     * <p>Worked example: GPT-2 small in float32: layers 12, kvHeads 12, headSize 64, 4 bytes gives 73,728.
     *
     * <p>Hint: compute in long; a 70B model overflows an int for long contexts in the next exercise.
     */
    public static long kvBytesPerToken(int layers, int kvHeads, int headSize, int bytesPerNumber) {
        throw new UnsupportedOperationException("TODO: 2L * layers * kvHeads * headSize * bytesPerNumber");
    }

    /**
     * Exercise 2: how many tokens of cache fit in {@code memoryBytes}, rounded down.
     *
     * <p>Worked example: 16 GiB (17,179,869,184 bytes) at 524,288 bytes per token gives 32,768 tokens.
     *
     * <p>Edge case: bytesPerToken ≤ 0 throws IllegalArgumentException.
     */
    public static long tokensThatFit(long memoryBytes, long bytesPerToken) {
        throw new UnsupportedOperationException("TODO: check bytesPerToken > 0, then integer division");
    }

    /**
     * Exercise 3: attention of one new query against a KV cache: softmax over j of (q · keys[j]) / √d,
     * then Σ_j p_j · values[j]. The cache holds every earlier token and the new one, so no mask is needed.
     *
     * <p>Worked example: q = [1, 0], keys = [[0, 0], [2, 0]] give scores [0, √2] (d = 2), so
     * p = [1/(1+e^√2), e^√2/(1+e^√2)] ≈ [0.196, 0.804]; with values [[1, 0], [0, 1]] the output is ≈ [0.196, 0.804].
     *
     * <p>Hint: subtract the largest score before exponentiating.
     */
    public static double[] attendToCache(double[] q, double[][] keys, double[][] values) {
        throw new UnsupportedOperationException("TODO: scores = q·k_j / sqrt(d); stable softmax; weighted sum of the values");
    }

    /**
     * Exercise 4: one step of the online softmax. The state after some keys is {m, l, o...}: the largest
     * score m so far, l = Σ e^(s_j − m), and the vector o = Σ e^(s_j − m)·v_j, packed as
     * [m, l, o_0, o_1, ...]. Fold in one tile of new scores with their values and return the new state:
     * m' = max(m, max of the tile); rescale l and o by e^(m − m'); add e^(s_j − m') and e^(s_j − m')·v_j.
     * Start from m = −∞, l = 0, o = 0 (then e^(m − m') = 0).
     *
     * <p>Worked example: state [−∞, 0, 0], tile scores [0], values [[2]] gives [0, 1, 2]; then scores [ln 3],
     * values [[4]] gives [ln 3, 1/3 + 1, 2/3 + 4] (the output o / l = 14/4 = 3.5 = 0.25·2 + 0.75·4).
     */
    public static double[] onlineSoftmaxStep(double[] state, double[] scores, double[][] values) {
        throw new UnsupportedOperationException("TODO: new max, rescale l and o by exp(m - newMax), add the tile's terms");
    }

    /**
     * Exercise 5: blocks a paged cache needs for {@code tokens} tokens with {@code blockSize} slots per
     * block: the ceiling of tokens / blockSize.
     *
     * <p>Worked example: 33 tokens, blocks of 16: 3 blocks; 32 tokens: 2; 0 tokens: 0.
     */
    public static int blocksNeeded(int tokens, int blockSize) {
        throw new UnsupportedOperationException("TODO: (tokens + blockSize - 1) / blockSize");
    }

    /**
     * Exercise 6: empty slots in a paged cache holding sequences of the given lengths: for each, the
     * unfilled part of its last block (blocks × blockSize − length), summed.
     *
     * <p>Worked example: lengths [33, 32, 1], blocks of 16: 15 + 0 + 15 = 30.
     */
    public static long pagedWaste(int[] lengths, int blockSize) {
        throw new UnsupportedOperationException("TODO: for each length, blocksNeeded(length) * blockSize - length");
    }

    /**
     * Exercise 7: static batching. Requests are taken in order in groups of {@code batch}; each group
     * runs until its longest request is done (one token per request per step). Return the total steps.
     *
     * <p>Worked example: outputs [3, 1, 2], batch 2: groups [3, 1] and [2]: 3 + 2 = 5 steps.
     */
    public static int staticSteps(int[] outputLengths, int batch) {
        throw new UnsupportedOperationException("TODO: sum over groups of `batch` consecutive requests of the group's maximum");
    }

    /**
     * Exercise 8: continuous batching. At most {@code batch} requests run at once; before every step,
     * free slots are filled with waiting requests in order; every running request produces one token per
     * step and leaves when it has produced its output length. Return the total steps.
     *
     * <p>Worked example: outputs [3, 1, 2], batch 2: step 1 runs requests 0 and 1 (1 finishes), steps 2
     * and 3 run 0 and 2: 3 steps.
     *
     * <p>Hint: simulate with a queue of waiting requests and an array of remaining tokens per slot.
     */
    public static int continuousSteps(int[] outputLengths, int batch) {
        throw new UnsupportedOperationException("TODO: simulate: refill free slots from the queue, step, remove finished requests");
    }

    /**
     * Exercise 9: a row-split (tensor-parallel) product. Device 1 holds columns 0..split-1 of x and rows
     * 0..split-1 of W; device 2 holds the rest. Each multiplies its pieces; the results are summed (an
     * all-reduce). Return that sum, which must equal x · W. x is (n, k), W is (k, m).
     *
     * <p>Worked example: x = [[1, 2]], W = [[3], [4]], split 1: device 1 gives [[3]], device 2 [[8]]: [[11]].
     */
    public static double[][] rowParallelMatmul(double[][] x, double[][] w, int split) {
        throw new UnsupportedOperationException("TODO: partial1 = x[:, :split]·W[:split, :], partial2 = x[:, split:]·W[split:, :]; add them");
    }
}
