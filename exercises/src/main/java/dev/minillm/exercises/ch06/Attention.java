package dev.minillm.exercises.ch06;

/**
 * Chapter 6 exercises: attention for one head, written out on plain arrays, and the arithmetic of
 * a multi-head layer (shapes, parameters, FLOPs and memory).
 *
 * <p>Scaled dot-product scores, softmax with a temperature, the causal mask, attention for one
 * head, splitting and merging heads, the shapes of cross-attention, the parameter count of a
 * multi-head layer, and the FLOPs and memory that make attention O(n²). Each method's Javadoc
 * gives the task, the formula, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code AttentionTest}).
 *
 * <p>Matrices are {@code double[rows][columns]}, one row per position. Compare your code with
 * {@code dev.minillm.attention} once it passes.
 */
public final class Attention {

    private Attention() {
    }

    /**
     * Exercise 1: the scaled dot-product scores S = Q·Kᵀ / √d.
     *
     * <p>Row i of {@code q} is the query of position i, row j of {@code k} the key of position j,
     * both of length d. Score (i, j) is their dot product divided by √d, which keeps the scores at
     * about unit variance whatever d is. Example: q = {{1, 0}, {0, 2}}, k = {{1, 1}, {2, 0}, {0, 0}}
     * gives {{1/√2, 2/√2, 0}, {2/√2, 0, 0}}.
     *
     * <p>Hint: two loops over (i, j) and an inner loop over the d components.
     *
     * @return (Tq, Tk) scores
     * @throws IllegalArgumentException if a query and a key differ in length
     */
    public static double[][] scores(double[][] q, double[][] k) {
        throw new UnsupportedOperationException("TODO: s[i][j] = (q_i · k_j) / Math.sqrt(d); check that every row has length d");
    }

    /**
     * Exercise 2: softmax with a temperature, p_j = exp(s_j / τ) / Σ_k exp(s_k / τ).
     *
     * <p>τ = 1 is the plain softmax; τ &gt; 1 flattens the distribution towards uniform, τ &lt; 1
     * sharpens it towards the largest score. Subtract the maximum before exponentiating (chapter 3),
     * so scores like {1000, 1001} work. Example: {0, ln 3} at τ = 1 gives {0.25, 0.75}; at τ = 0.5
     * it gives {0.1, 0.9}.
     *
     * <p>Edge cases: scores of −∞ (masked positions) get probability exactly 0. If every score is −∞
     * (a query that may see nothing), return all zeros instead of the NaN of 0/0. An empty array
     * gives an empty array.
     *
     * @throws IllegalArgumentException if τ is not positive and finite
     */
    public static double[] softmax(double[] scores, double temperature) {
        throw new UnsupportedOperationException("TODO: check the temperature; m = max; if m is -infinity return zeros; p_j = exp((s_j - m) / temperature), then divide by the sum");
    }

    /**
     * Exercise 3: the causal mask, true where query i may <em>not</em> look at key j.
     *
     * <p>With as many queries as keys (Tq = Tk), query i sees keys 0..i: the mask is true strictly
     * above the diagonal. With fewer queries than keys, the queries are the <em>last</em> Tq
     * positions (as when generating with a cache of earlier keys), so query i sees keys
     * 0..i + Tk − Tq. Example: causalMask(2, 3) is {{false, false, true}, {false, false, false}}.
     *
     * @throws IllegalArgumentException if Tq &gt; Tk or a size is negative
     */
    public static boolean[][] causalMask(int queries, int keys) {
        throw new UnsupportedOperationException("TODO: check 0 <= Tq <= Tk; hidden[i][j] = j > i + Tk - Tq");
    }

    /**
     * Exercise 4: attention for one head, softmax(Q·Kᵀ / √d + M)·V.
     *
     * <p>Use exercises 1–3: the scores, −∞ where the causal mask hides a key (only if
     * {@code causal}), softmax over each row (τ = 1), then output row i = Σ_j p_ij · v_j, the
     * weighted average of the value rows. Example: with one key every output row equals that key's
     * value; with causal = true the first output row is always v_0.
     *
     * @param q (Tq, d) queries
     * @param k (Tk, d) keys
     * @param v (Tk, dv) values
     * @return (Tq, dv)
     * @throws IllegalArgumentException if k and v have different numbers of rows
     */
    public static double[][] attend(double[][] q, double[][] k, double[][] v, boolean causal) {
        throw new UnsupportedOperationException("TODO: scores(q, k); -infinity where causalMask hides a key; softmax(row, 1); out_i = sum_j p_ij * v_j");
    }

    /**
     * Exercise 5: split (T, C) into heads (nh, T, hs), hs = C / nh.
     *
     * <p>Head h owns the columns h·hs .. (h+1)·hs − 1 of every row: {@code heads[h][t][c] = x[t][h·hs + c]}.
     * This is {@code x.reshape(T, nh, hs).transpose(0, 1)} on a tensor. Example: x = {{1, 2, 3, 4}}
     * with 2 heads gives {{{1, 2}}, {{3, 4}}}.
     *
     * @throws IllegalArgumentException if C is not divisible by nh (or nh &lt; 1)
     */
    public static double[][][] splitHeads(double[][] x, int heads) {
        throw new UnsupportedOperationException("TODO: hs = C / heads (throw if it does not divide); heads[h][t][c] = x[t][h*hs + c]");
    }

    /**
     * Exercise 6: merge heads (nh, T, hs) back into (T, C), the inverse of exercise 5.
     *
     * <p>Row t of the result is the heads' rows t side by side: head 0's hs numbers, then head 1's,
     * and so on. Example: {{{1, 2}}, {{3, 4}}} gives {{1, 2, 3, 4}}.
     */
    public static double[][] mergeHeads(double[][][] heads) {
        throw new UnsupportedOperationException("TODO: out[t][h*hs + c] = heads[h][t][c]");
    }

    /**
     * Exercise 7: the shapes inside a multi-head cross-attention layer.
     *
     * <p>x (B, Tq, C) gives the queries, the context (B, Tk, C_ctx) the keys and values; both are
     * projected to C channels and split into nh heads of hs = C / nh. Return, in this order, the
     * shapes of: the queries (B, nh, Tq, hs), the keys (B, nh, Tk, hs), the attention weights
     * (B, nh, Tq, Tk) and the layer's output (B, Tq, C). The context width C_ctx appears in none
     * of them: it is only the input size of the key and value projections.
     *
     * @throws IllegalArgumentException if a size is not positive or C is not divisible by nh
     */
    public static int[][] crossAttentionShapes(int batch, int queries, int keys, int dim, int contextDim, int heads) {
        throw new UnsupportedOperationException("TODO: hs = dim / heads; return {B,nh,Tq,hs}, {B,nh,Tk,hs}, {B,nh,Tq,Tk}, {B,Tq,C}; throw on bad sizes");
    }

    /**
     * Exercise 8: the number of parameters of a multi-head self-attention layer of width C.
     *
     * <p>The fused projection to queries, keys and values is a weight (3C, C) and, with biases, a
     * bias of 3C; the output projection a weight (C, C) and a bias of C. The number of heads does
     * not matter: the heads split C, they do not multiply it. Example: C = 768 (GPT-2 small) with
     * biases gives 2,362,368.
     */
    public static long parameterCount(int dim, boolean bias) {
        throw new UnsupportedOperationException("TODO: weights (3C, C) and (C, C), biases 3C and C when bias");
    }

    /**
     * Exercise 9: the FLOPs of attention itself for one sequence, without the projections.
     *
     * <p>Q·Kᵀ takes a dot product of d = C numbers (all heads together) per (query, key) pair, and
     * weights·V a multiply-add of d numbers per pair again; a multiply-add counts as 2 FLOPs. Over
     * all T² pairs that is 4·T²·d. A causal kernel that skips the hidden pairs computes only the
     * T(T+1)/2 visible ones: 2·T(T+1)·d. Example: T = 1024, d = 768 gives 3,221,225,472 in full
     * and 1,612,185,600 causal.
     *
     * <p>Hint: use {@code long}: 4·T²·d overflows an int already at T = 1024.
     */
    public static long attentionFlops(int length, int dim, boolean causal) {
        throw new UnsupportedOperationException("TODO: in long arithmetic: 4*T*T*d in full, 2*T*(T+1)*d causal");
    }

    /**
     * Exercise 10: the memory of the attention weights: one T×T matrix per head and per sequence.
     *
     * <p>B sequences, nh heads, T² weights each, {@code bytesPerNumber} bytes per weight (4 for
     * float32, 2 for bfloat16). Example: B = 8, nh = 12, T = 1024, float32 gives 402,653,184 bytes
     * (384 MiB) for a single layer's weights; doubling T multiplies it by 4.
     */
    public static long weightBytes(int batch, int heads, int length, int bytesPerNumber) {
        throw new UnsupportedOperationException("TODO: B * nh * T * T * bytesPerNumber, in long arithmetic");
    }
}
