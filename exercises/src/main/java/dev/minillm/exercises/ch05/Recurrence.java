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
        throw new UnsupportedOperationException("TODO: for each j, next[j] = tanh(row j of W_ih · x + row j of W_hh · h + b[j])");
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
        throw new UnsupportedOperationException("TODO: h = h0; for each t: h = rnnStep(..., xs[t], h), store it as row t");
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
        throw new UnsupportedOperationException("TODO: z = W_ih·x + W_hh·h + b (4H); i, f, o = sigmoid, g = tanh of the four blocks; c' = f*c + i*g; h' = o*tanh(c')");
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
        throw new UnsupportedOperationException("TODO: r, z = sigmoid(x part + h part) of blocks 0 and 1; n = tanh(x part + r * h part) of block 2; h' = (1 - z)*n + z*h");
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
        throw new UnsupportedOperationException("TODO: forward keeping every h_t; then from t = T back to 1: grad = product * (1 - h_t^2) * u, product *= w * (1 - h_t^2)");
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
        throw new UnsupportedOperationException("TODO: norm = sqrt(sum of all squares); if norm > maxNorm multiply everything by maxNorm / norm; return norm");
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
        throw new UnsupportedOperationException("TODO: L = (n - 1) / B, C = L / T; batch s, row b = tokens[b*L + s*T .. + T); throw if C == 0");
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
        throw new UnsupportedOperationException("TODO: h_t[n] = a[n] * h_{t-1}[n] + u_t[n], starting from zeros");
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
        throw new UnsupportedOperationException("TODO: h_t[n] = sum over k <= t of a[n]^(t-k) * u_k[n]");
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
        throw new UnsupportedOperationException("TODO: pairs (A, h) = (a, u_t); for d = 1, 2, 4, ... < T: h[t] = A[t]*h[t-d] + h[t], A[t] = A[t-d]*A[t] from copies of the old values");
    }
}
