package dev.minillm.exercises.ch07;

import java.util.function.UnaryOperator;

/**
 * Chapter 7 exercises: the pieces of a Transformer block in nine static methods on plain arrays.
 *
 * <p>Layer norm and RMS norm, GELU, a SwiGLU feed-forward network, a pre-norm residual step, the
 * parameter count of a GPT with a tied head, top-k routing of a mixture of experts, BERT's masking
 * rule and the shifted targets of next-token pretraining. Each method's Javadoc gives the task, the
 * formula, a worked example and a hint. Replace each {@code throw new UnsupportedOperationException(...)}
 * with your code, then grade your work with {@code ./mvnw -q test -Dgrade} (the tests are in
 * {@code BlocksTest}). Compare with {@code dev.minillm.transformer} once it passes.
 */
public final class Blocks {

    /** The target of a position that is left out of the loss, as PyTorch's ignore index. */
    public static final int IGNORE = -100;

    private Blocks() {
    }

    /**
     * Exercise 1: layer normalisation of one vector, γ ⊙ (x − μ) / √(σ² + ε) + β, where μ is the
     * mean of x and σ² its variance with divisor C (not C − 1).
     *
     * <p>Example: x = [1, 2, 3, 6], γ = 1, β = 0, ε = 0: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, so
     * the result is [−2, −1, 0, 3] / √3.5 ≈ [−1.069, −0.535, 0, 1.604].
     *
     * <p>Hint: two passes, one for μ, one for σ².
     */
    public static double[] layerNorm(double[] x, double[] gamma, double[] beta, double eps) {
        double mu = 0, var = 0;
        for (double v : x) {
            mu += v / x.length;
        }
        for (double v : x) {
            var += (v - mu) * (v - mu) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = gamma[i] * (x[i] - mu) / Math.sqrt(var + eps) + beta[i];
        }
        return y;
    }

    /**
     * Exercise 2: RMS normalisation of one vector, γ ⊙ x / √(mean(x²) + ε): no centring, no shift.
     *
     * <p>Example: x = [1, 2, 3, 6], γ = 1, ε = 0: mean(x²) = 50/4 = 12.5, so x / √12.5 ≈
     * [0.283, 0.566, 0.849, 1.697].
     */
    public static double[] rmsNorm(double[] x, double[] gamma, double eps) {
        double meanSquare = 0;
        for (double v : x) {
            meanSquare += v * v / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = gamma[i] * x[i] / Math.sqrt(meanSquare + eps);
        }
        return y;
    }

    /**
     * Exercise 3: GELU in GPT-2's tanh approximation,
     * ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
     *
     * <p>Examples: gelu(0) = 0; gelu(1) ≈ 0.8412; gelu(−3) ≈ −0.0036 (small negative inputs leak
     * through a little, unlike ReLU).
     */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /**
     * Exercise 4: a SwiGLU feed-forward network on one vector (no biases):
     * y = (SiLU(x·W_gate) ⊙ x·W_up)·W_down, with SiLU(z) = z·σ(z) = z / (1 + e^(−z)).
     *
     * <p>Shapes: x (C), wGate and wUp (C × H), wDown (H × C); the result has C elements.
     * Example: C = H = 1, x = [2], wGate = [[1]], wUp = [[3]], wDown = [[0.5]]:
     * SiLU(2) = 2/(1 + e^(−2)) ≈ 1.7616, times 6, times 0.5 ≈ 5.2848.
     *
     * <p>Hint: write a helper for "vector times matrix".
     */
    public static double[] swiglu(double[] x, double[][] wGate, double[][] wUp, double[][] wDown) {
        double[] g = times(x, wGate), u = times(x, wUp);
        double[] h = new double[g.length];
        for (int j = 0; j < h.length; j++) {
            h[j] = g[j] / (1 + Math.exp(-g[j])) * u[j];
        }
        return times(h, wDown);
    }

    /**
     * Exercise 5: one pre-norm residual step over a sequence, x_t + f(LayerNorm(x_t)) for every
     * position t (ε = 1e-5), where f is a sub-layer that maps a normalised C-vector to a C-vector.
     *
     * <p>This is half of a Transformer block: the residual stream x is never normalised itself,
     * only the copy that f reads. Example: with f = (v → 0) the result equals x.
     *
     * <p>Edge cases: do not change {@code x}; return new rows.
     */
    public static double[][] preNormResidual(double[][] x, double[] gamma, double[] beta, UnaryOperator<double[]> f) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] update = f.apply(layerNorm(x[t], gamma, beta, 1e-5));
            y[t] = new double[x[t].length];
            for (int i = 0; i < y[t].length; i++) {
                y[t][i] = x[t][i] + update[i];
            }
        }
        return y;
    }

    /**
     * Exercise 6: the parameters of a GPT-2 style model (biases everywhere, layer norms, GELU MLP of
     * width 4C, learned positions, output head tied to the token embedding).
     *
     * <p>Count: token and position embeddings V·C + T·C; per block, attention W_qkv (C × 3C) and
     * W_o (C × C) with biases, MLP (C × 4C) and (4C × C) with biases, two layer norms (scale and
     * shift, 2C each); one final layer norm; no head (tied). GPT-2 small (V = 50257, T = 1024,
     * L = 12, C = 768) has 124,439,808.
     */
    public static long gptParameterCount(long vocabSize, long blockSize, long layers, long embeddingDim) {
        long c = embeddingDim;
        long attention = (3 * c * c + 3 * c) + (c * c + c);
        long mlp = (4 * c * c + 4 * c) + (4 * c * c + c);
        long norms = 2 * 2 * c;
        return vocabSize * c + blockSize * c + layers * (attention + mlp + norms) + 2 * c;
    }

    /**
     * Exercise 7: the gates of top-k routing in a mixture of experts: softmax over the k highest
     * scores, 0 for the other experts. Ties go to the lower expert index.
     *
     * <p>Example: scores [0, ln 3, −5, 0] with k = 2 keeps
     * expert 1 and expert 0 (the tie between 0 and 3 goes to 0): gates [1/4, 3/4, 0, 0].
     *
     * <p>Hint: subtract the largest score before exponentiating.
     *
     * @throws IllegalArgumentException if k is not in 1 .. scores.length
     */
    public static double[] topKGates(double[] scores, int k) {
        if (k < 1 || k > scores.length) {
            throw new IllegalArgumentException("topKGates: need 1 <= k <= " + scores.length + ", got " + k);
        }
        boolean[] chosen = new boolean[scores.length];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int e = 0; e < scores.length; e++) {
                if (!chosen[e] && (best < 0 || scores[e] > scores[best])) {
                    best = e;
                }
            }
            chosen[best] = true;
        }
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int e = 0; e < scores.length; e++) {
            if (chosen[e]) {
                max = Math.max(max, scores[e]);
            }
        }
        double[] gates = new double[scores.length];
        for (int e = 0; e < scores.length; e++) {
            if (chosen[e]) {
                gates[e] = Math.exp(scores[e] - max);
                sum += gates[e];
            }
        }
        for (int e = 0; e < scores.length; e++) {
            gates[e] /= sum;
        }
        return gates;
    }

    /**
     * Exercise 8: BERT's masking rule, with the random draws given so the answer is exact.
     *
     * <p>Position i is selected when {@code select[i] < 0.15}. A selected position gets
     * {@code maskId} when {@code action[i] < 0.8}, {@code randomToken[i]} when
     * {@code 0.8 ≤ action[i] < 0.9}, and keeps its token otherwise; its target is the original token.
     * An unselected position keeps its token and has target {@link #IGNORE}.
     *
     * @return {inputs, targets}, each as long as {@code tokens}
     */
    public static int[][] bertMask(int[] tokens, double[] select, double[] action, int[] randomToken, int maskId) {
        int[] inputs = tokens.clone(), targets = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            targets[i] = IGNORE;
            if (select[i] < 0.15) {
                targets[i] = tokens[i];
                if (action[i] < 0.8) {
                    inputs[i] = maskId;
                } else if (action[i] < 0.9) {
                    inputs[i] = randomToken[i];
                }
            }
        }
        return new int[][] {inputs, targets};
    }

    /**
     * Exercise 9: the inputs and targets of next-token pretraining from one window of T + 1 tokens:
     * inputs = window[0 .. T), targets = window[1 .. T], so the target at position t is the token
     * after it. Example: [5, 6, 7, 8] gives inputs [5, 6, 7] and targets [6, 7, 8].
     *
     * @return {inputs, targets}
     * @throws IllegalArgumentException if the window has fewer than 2 tokens
     */
    public static int[][] nextTokenTargets(int[] window) {
        if (window.length < 2) {
            throw new IllegalArgumentException("nextTokenTargets: need at least 2 tokens (one input and its next token), got "
                    + window.length);
        }
        return new int[][] {java.util.Arrays.copyOfRange(window, 0, window.length - 1),
                java.util.Arrays.copyOfRange(window, 1, window.length)};
    }

    private static double[] times(double[] v, double[][] m) {
        double[] y = new double[m[0].length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] += v[i] * m[i][j];
            }
        }
        return y;
    }
}
