package dev.minillm.exercises.ch05;

/**
 * Chapter 5 exercises: recurrent networks in ten static methods on plain arrays.
 *
 * <p>One step of a simple RNN, an LSTM and a GRU (with the gates stacked as in PyTorch and in
 * {@code dev.minillm.rnn}), an RNN over a whole sequence, backpropagation through time for a
 * one-number RNN (where the vanishing gradient is plain to see), clipping gradients by their global
 * norm, cutting a token stream into the chunks of truncated BPTT, and a diagonal linear recurrence
 * computed three ways: step by step, as a convolution, and as a parallel prefix scan. Each method's
 * Javadoc gives the task, the formula, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code RecurrenceTest}).
 *
 * <p>Matrices are {@code double[rows][columns]}; W·x means the matrix-vector product
 * (W·x)_j = Σ_i W[j][i]·x[i]. The cells are checked against {@code dev.minillm.rnn} to 1e-5.
 */
public final class Recurrence {

    private Recurrence() {
    }

    /**
     * Exercise 1: one step of the simple (Elman) RNN,
     * <pre>
     *   h_t = tanh(W_ih·x_t + W_hh·h_{t-1} + b)
     * </pre>
     * with W_ih of shape (H, I), W_hh (H, H), b (H), x (I) and h (H).
     *
     * <p>Worked example: H = I = 1, W_ih = [[1]], W_hh = [[0.5]], b = [0], x = [1], h = [2] gives
     * tanh(1 + 1) = tanh(2) = 0.9640275800758169.
     *
     * <p>Edge cases: the inputs are not changed; the result is a new array of length H.
     *
     * <p>Hint: one loop over j = 0 .. H-1, two inner sums.
     */
    public static double[] rnnStep(double[][] wIh, double[][] wHh, double[] b, double[] x, double[] h) {
        double[] next = new double[h.length];
        for (int j = 0; j < h.length; j++) {
            next[j] = Math.tanh(dot(wIh[j], x) + dot(wHh[j], h) + b[j]);
        }
        return next;
    }

    /**
     * Exercise 2: the RNN over a whole sequence: h_0 = {@code h0}, then h_t = rnnStep(x_t, h_{t-1})
     * for t = 1 .. T. Return the T hidden states h_1 .. h_T as rows of a (T, H) array (not h_0).
     *
     * <p>The same weights are used at every step: this is what makes it a recurrence, and why the
     * parameter count does not depend on T.
     *
     * <p>Edge cases: an empty sequence (T = 0) gives an empty array.
     *
     * <p>Hint: call {@link #rnnStep} in a loop, feeding each result back in.
     */
    public static double[][] rnnForward(double[][] wIh, double[][] wHh, double[] b, double[][] xs, double[] h0) {
        double[][] states = new double[xs.length][];
        double[] h = h0;
        for (int t = 0; t < xs.length; t++) {
            h = rnnStep(wIh, wHh, b, xs[t], h);
            states[t] = h;
        }
        return states;
    }

    /**
     * Exercise 3: one step of an LSTM. W_ih (4H, I), W_hh (4H, H) and b (4H) hold the four gates
     * stacked in the order i, f, g, o (rows 0..H-1 are the input gate, H..2H-1 the forget gate, and
     * so on). With z = W_ih·x + W_hh·h + b cut into four blocks of H:
     * <pre>
     *   i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)        σ(v) = 1 / (1 + e^(-v))
     *   c_t = f ⊙ c_{t-1} + i ⊙ g
     *   h_t = o ⊙ tanh(c_t)
     * </pre>
     *
     * <p>Worked example: H = I = 1, all weights 0 and b = [0, 0, 0, 0], c = [2]: every sigmoid gate
     * is 0.5 and g = 0, so c_t = 0.5·2 = 1 and h_t = 0.5·tanh(1) = 0.3807970779778823.
     *
     * <p>Edge cases: the inputs are not changed.
     *
     * <p>Hint: compute z (4H) first, then loop over j = 0 .. H-1 reading z[j], z[H + j], z[2H + j], z[3H + j].
     *
     * @return {h_t, c_t}, each of length H
     */
    public static double[][] lstmStep(double[][] wIh, double[][] wHh, double[] b, double[] x, double[] h, double[] c) {
        int hidden = h.length;
        double[] nextH = new double[hidden], nextC = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double i = sigmoid(gate(wIh, wHh, b, x, h, j));
            double f = sigmoid(gate(wIh, wHh, b, x, h, hidden + j));
            double g = Math.tanh(gate(wIh, wHh, b, x, h, 2 * hidden + j));
            double o = sigmoid(gate(wIh, wHh, b, x, h, 3 * hidden + j));
            nextC[j] = f * c[j] + i * g;
            nextH[j] = o * Math.tanh(nextC[j]);
        }
        return new double[][] {nextH, nextC};
    }

    /**
     * Exercise 4: one step of a GRU, as PyTorch's {@code nn.GRUCell}. W_ih (3H, I), W_hh (3H, H),
     * b_ih (3H) and b_hh (3H) hold the gates stacked r, z, n:
     * <pre>
     *   r = σ(W_ir·x + b_ir + W_hr·h + b_hr)                  reset gate
     *   z = σ(W_iz·x + b_iz + W_hz·h + b_hz)                  update gate
     *   n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))         candidate
     *   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
     * </pre>
     * The two biases are separate because the reset gate multiplies only the recurrent part of n.
     *
     * <p>Worked example: H = I = 1, all weights and biases 0, h = [1]: r = z = 0.5, n = tanh(0) = 0,
     * so h_t = 0.5·0 + 0.5·1 = 0.5.
     *
     * <p>Hint: for each j compute the six dot products W_i?·x + b_i? and W_h?·h + b_h? first.
     */
    public static double[] gruStep(double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[] x, double[] h) {
        int hidden = h.length;
        double[] next = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double r = sigmoid(dot(wIh[j], x) + bIh[j] + dot(wHh[j], h) + bHh[j]);
            double z = sigmoid(dot(wIh[hidden + j], x) + bIh[hidden + j] + dot(wHh[hidden + j], h) + bHh[hidden + j]);
            int k = 2 * hidden + j;
            double n = Math.tanh(dot(wIh[k], x) + bIh[k] + r * (dot(wHh[k], h) + bHh[k]));
            next[j] = (1 - z) * n + z * h[j];
        }
        return next;
    }

    /**
     * Exercise 5: backpropagation through time for a one-number RNN,
     * <pre>
     *   h_0 = 0,   h_t = tanh(w·h_{t-1} + u·x_t)   for t = 1 .. T,
     * </pre>
     * return the derivatives ∂h_T/∂x_t for t = 1 .. T (element t-1 of the result). By the chain rule,
     * <pre>
     *   ∂h_T/∂x_t = u·(1 - h_t²) · Π_{k=t+1..T} w·(1 - h_k²)
     * </pre>
     * a product of one factor w·(1 - h_k²) per step back: when every factor is below 1 the gradient
     * vanishes exponentially with the distance T - t; when w is large it can explode.
     *
     * <p>Worked example: w = 0.5, u = 1, x = [0, 0]: all h are 0, so ∂h_2/∂x_2 = 1 and
     * ∂h_2/∂x_1 = 1·0.5 = 0.5.
     *
     * <p>Edge cases: an empty sequence gives an empty array.
     *
     * <p>Hint: run forward keeping every h_t, then walk back from t = T with a running product that
     * starts at 1 and is multiplied by w·(1 - h_t²) after each step.
     */
    public static double[] scalarBptt(double w, double u, double[] xs) {
        int time = xs.length;
        double[] h = new double[time + 1];
        for (int t = 1; t <= time; t++) {
            h[t] = Math.tanh(w * h[t - 1] + u * xs[t - 1]);
        }
        double[] grads = new double[time];
        double upstream = 1; // ∂h_T/∂h_t
        for (int t = time; t >= 1; t--) {
            double local = 1 - h[t] * h[t];              // tanh'
            grads[t - 1] = upstream * local * u;
            upstream *= local * w;                       // one more Jacobian factor ∂h_t/∂h_{t-1}
        }
        return grads;
    }

    /**
     * Exercise 6: gradient clipping by global norm, in place. The global norm is the Euclidean norm of
     * all gradients together, ‖g‖ = sqrt(Σ over every array and element of g²). If ‖g‖ exceeds
     * {@code maxNorm}, multiply every element by maxNorm / ‖g‖ (the direction stays, the length
     * becomes maxNorm); otherwise leave them alone. Return the norm <em>before</em> clipping.
     *
     * <p>Worked example: {[3], [4]} with maxNorm 1: ‖g‖ = 5, the arrays become {[0.6], [0.8]}, and
     * the method returns 5.
     *
     * <p>Edge cases: all zeros (norm 0) stay zeros; a norm exactly equal to maxNorm is not changed.
     *
     * @throws IllegalArgumentException if maxNorm is not positive
     */
    public static double clipByGlobalNorm(double[][] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        double squares = 0;
        for (double[] g : grads) {
            for (double v : g) {
                squares += v * v;
            }
        }
        double norm = Math.sqrt(squares);
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            for (double[] g : grads) {
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
        }
        return norm;
    }

    /**
     * Exercise 7: the input chunks of truncated BPTT, as {@code BatchSampler.ContiguousStreams}. Cut
     * the token stream into B equal streams of L = (n - 1) / B tokens (integer division; the last
     * token is only ever a target), and each stream into C = L / T chunks of T tokens. Step s reads
     * chunk s of every stream: row b of batch s is tokens[b·L + s·T .. b·L + s·T + T). Return
     * result[s][b] for s = 0 .. C-1.
     *
     * <p>Row b of batch s+1 continues row b of batch s, so the model can carry its hidden state from
     * one batch to the next while backpropagating only within a chunk.
     *
     * <p>Worked example: tokens 0..12 (n = 13), B = 2, T = 3: L = 6, C = 2; batch 0 is {[0,1,2],
     * [6,7,8]} and batch 1 is {[3,4,5], [9,10,11]}.
     *
     * @throws IllegalArgumentException if B or T is not positive, or a stream is shorter than one chunk (C = 0)
     */
    public static int[][][] contiguousChunks(int[] tokens, int batchSize, int blockSize) {
        if (batchSize < 1 || blockSize < 1) {
            throw new IllegalArgumentException("batch and block size must be positive, got " + batchSize + " and "
                    + blockSize);
        }
        int streamLength = Math.max(0, tokens.length - 1) / batchSize;
        int chunks = streamLength / blockSize;
        if (chunks == 0) {
            throw new IllegalArgumentException(tokens.length + " tokens make streams of " + streamLength
                    + ", shorter than one block of " + blockSize + ": use a smaller batch or block size");
        }
        int[][][] batches = new int[chunks][batchSize][];
        for (int s = 0; s < chunks; s++) {
            for (int b = 0; b < batchSize; b++) {
                int start = b * streamLength + s * blockSize;
                batches[s][b] = java.util.Arrays.copyOfRange(tokens, start, start + blockSize);
            }
        }
        return batches;
    }

    /**
     * Exercise 8: a diagonal linear recurrence, step by step: h_0 = 0 (N zeros), then
     * <pre>
     *   h_t[n] = a[n]·h_{t-1}[n] + u_t[n]      for t = 1 .. T, each channel n on its own
     * </pre>
     * Return h_1 .. h_T as a (T, N) array. This is the state update of a state-space model such as
     * S4 or Mamba: like an RNN, but with no tanh, so it stays linear in u.
     *
     * <p>Worked example: a = [0.5], u = [[1], [0], [0]] gives [[1], [0.5], [0.25]].
     */
    public static double[][] linearRecurrence(double[] a, double[][] u) {
        double[][] h = new double[u.length][a.length];
        for (int t = 0; t < u.length; t++) {
            for (int n = 0; n < a.length; n++) {
                h[t][n] = (t > 0 ? a[n] * h[t - 1][n] : 0) + u[t][n];
            }
        }
        return h;
    }

    /**
     * Exercise 9: the same recurrence unrolled into a causal convolution. Unrolling gives
     * <pre>
     *   h_t[n] = Σ_{k=1..t} a[n]^(t-k) · u_k[n]
     * </pre>
     * Compute it directly from this sum (no reuse of h_{t-1}): every h_t is independent of the
     * others, so all T positions could be computed in parallel.
     *
     * <p>Worked example: a = [0.5], u = [[1], [2]]: h_1 = 1, h_2 = 0.5·1 + 2 = 2.5.
     *
     * <p>Hint: two loops over t and k ≤ t; Math.pow(a, t - k).
     */
    public static double[][] linearConvolution(double[] a, double[][] u) {
        double[][] h = new double[u.length][a.length];
        for (int t = 0; t < u.length; t++) {
            for (int n = 0; n < a.length; n++) {
                double sum = 0;
                for (int k = 0; k <= t; k++) {
                    sum += Math.pow(a[n], t - k) * u[k][n];
                }
                h[t][n] = sum;
            }
        }
        return h;
    }

    /**
     * Exercise 10: the same recurrence as a Hillis–Steele parallel prefix scan, for one channel. Give
     * every position t a pair (A_t, h_t) = (a, u_t): the decay and the state of the segment of steps
     * that ends at t (at first just step t). Two adjacent segments, an earlier (A₁, h₁) and a later
     * (A₂, h₂), combine into (A₁·A₂, A₂·h₁ + h₂). In round r = 0, 1, 2, ... with distance d = 2^r,
     * every position t ≥ d combines, <em>simultaneously</em>, with the pair at t - d (read the old
     * values of the round, not the ones just updated). After ⌈log₂ T⌉ rounds every segment reaches back
     * to the first step and h_t equals the recurrence's state.
     *
     * <p>Return the states h_1 .. h_T; the number of rounds is {@code ceil(log2(T))} (0 for T ≤ 1).
     *
     * <p>Worked example: a = 0.5, u = [1, 1, 1, 1]. Round 1 (d = 1): h = [1, 1.5, 1.5, 1.5], A = [0.5,
     * 0.25, 0.25, 0.25]. Round 2 (d = 2): h = [1, 1.5, 1.75, 1.875]: the same as 1, 0.5·1 + 1, ...
     *
     * <p>Hint: copy the arrays at the start of every round, and read the copies.
     */
    public static double[] prefixScan(double a, double[] u) {
        int time = u.length;
        double[] h = u.clone(), decay = new double[time];
        java.util.Arrays.fill(decay, a);
        for (int distance = 1; distance < time; distance *= 2) {
            double[] oldH = h.clone(), oldDecay = decay.clone();
            for (int t = distance; t < time; t++) {
                h[t] = oldDecay[t] * oldH[t - distance] + oldH[t];
                decay[t] = oldDecay[t - distance] * oldDecay[t];
            }
        }
        return h;
    }

    private static double dot(double[] row, double[] v) {
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += row[i] * v[i];
        }
        return sum;
    }

    private static double gate(double[][] wIh, double[][] wHh, double[] b, double[] x, double[] h, int row) {
        return dot(wIh[row], x) + dot(wHh[row], h) + b[row];
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
