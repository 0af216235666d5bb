package dev.minillm.exercises.ch04;

/**
 * Chapter 4 exercises: a neural language model in ten static methods on plain arrays.
 *
 * <p>Embedding lookup and its backward pass (a scatter-add), a numerically stable softmax, the
 * cross-entropy loss and its gradient, the forward pass of Bengio et al.'s MLP language model, one
 * SGD step with decoupled weight decay, inverted dropout, cosine similarity and nearest neighbours,
 * and perplexity. Each method's Javadoc gives the task, the formula, a worked example, the edge
 * cases and a hint. Replace each {@code throw new UnsupportedOperationException(...)} with your
 * code, then grade your work with {@code ./mvnw -q test -Dgrade} (the tests are in {@code NeuralLmTest}).
 *
 * <p>Matrices are {@code double[rows][columns]}; W·x means the matrix-vector product
 * (W·x)_j = Σ_i W[j][i]·x[i].
 */
public final class NeuralLm {

    private NeuralLm() {
    }

    /**
     * Exercise 1: embedding lookup. {@code table} is the (V, m) embedding matrix C; return the rows
     * of the given token ids, in order, as a (ids.length, m) array of copies.
     *
     * <p>Worked example: table = [[1, 2], [3, 4], [5, 6]], ids = [2, 0, 2] gives [[5, 6], [1, 2], [5, 6]].
     *
     * <p>Edge cases: an id outside 0 .. V-1 throws IllegalArgumentException naming the id; the
     * result must not share arrays with the table (changing it must not change the table).
     *
     * <p>Hint: {@code table[id].clone()}.
     */
    public static double[][] embeddingLookup(double[][] table, int[] ids) {
        throw new UnsupportedOperationException("TODO: for each id, check 0 <= id < table.length, then copy table[id] (clone) into the result");
    }

    /**
     * Exercise 2: the backward pass of the lookup. Given the gradient of the loss with respect to
     * each looked-up row ({@code upstream}, shape (ids.length, m)), return the gradient with respect
     * to the whole table, shape (V, m): row v is the sum of the upstream rows of every position
     * whose id is v, and zero for tokens not looked up (a scatter-add).
     *
     * <p>Worked example: V = 3, ids = [2, 0, 2], upstream = [[1, 1], [2, 2], [3, 3]] gives
     * [[2, 2], [0, 0], [4, 4]].
     *
     * <p>Hint: start from zeros; for each position i, add upstream[i] into row ids[i].
     */
    public static double[][] embeddingBackward(int vocabSize, int[] ids, double[][] upstream) {
        throw new UnsupportedOperationException("TODO: grad = new double[vocabSize][m]; for each position i, add upstream[i] into grad[ids[i]]");
    }

    /**
     * Exercise 3: softmax, numerically stable: p_i = e^(y_i - max y) / Σ_j e^(y_j - max y).
     * Subtracting the maximum changes nothing mathematically and keeps e^x from overflowing.
     *
     * <p>Worked example: [0, 0] gives [0.5, 0.5]; [1000, 0] must give [1, e^-1000 ≈ 0] (not NaN).
     *
     * <p>Hint: find the maximum, exponentiate the differences, divide by their sum.
     */
    public static double[] softmax(double[] logits) {
        throw new UnsupportedOperationException("TODO: subtract the maximum, exponentiate, divide by the sum");
    }

    /**
     * Exercise 4: the cross-entropy loss of one prediction: -log softmax(logits)[target], computed
     * stably as log Σ_j e^(y_j - max y) + max y - y_target (never take the log of a probability that
     * may have rounded to 0).
     *
     * <p>Worked example: logits [0, 0, 0, 0] and any target give log 4 = 1.3862943611198906;
     * logits [1000, 0], target 1 gives 1000 (not infinity).
     *
     * <p>Edge cases: a target outside the logits throws IllegalArgumentException.
     */
    public static double crossEntropy(double[] logits, int target) {
        throw new UnsupportedOperationException("TODO: log(sum of exp(y - max)) + max - logits[target]");
    }

    /**
     * Exercise 5: the gradient of {@link #crossEntropy} with respect to the logits:
     * softmax(logits) - onehot(target). The right token's score is pushed up, every other token's
     * down, each in proportion to its probability.
     *
     * <p>Worked example: logits [0, 0], target 0 gives [-0.5, 0.5].
     */
    public static double[] crossEntropyGradient(double[] logits, int target) {
        throw new UnsupportedOperationException("TODO: softmax(logits), then subtract 1 at the target");
    }

    /**
     * Exercise 6: the forward pass of the MLP language model (Bengio et al. 2003) for one context
     * of n token ids, without direct connections:
     * <pre>
     *   x = [C[w_1]; C[w_2]; ...; C[w_n]]     the n embeddings concatenated, length n·m
     *   a = tanh(H·x + d)                     hidden layer, length h;  H is (h, n·m), d is (h)
     *   y = U·a + b                           logits, length V;        U is (V, h), b is (V)
     * </pre>
     *
     * <p>Worked example: V = 2, m = 1, n = 2, C = [[1], [-1]], H = [[1, 1]], d = [0], U = [[1], [-1]],
     * b = [0, 0], context [0, 0]: x = [1, 1], a = [tanh 2] = [0.9640275800758169], y = [0.964..., -0.964...].
     *
     * <p>Hint: reuse {@link #embeddingLookup} and copy the rows one after another into x.
     */
    public static double[] mlpForward(double[][] c, double[][] h, double[] d, double[][] u, double[] b, int[] context) {
        throw new UnsupportedOperationException("TODO: x = concatenated embeddings; a = tanh(H·x + d); return U·a + b");
    }

    /**
     * Exercise 7: one step of SGD with decoupled weight decay (as AdamW decouples it): every
     * parameter first shrinks towards zero, then steps against its gradient,
     * <pre>
     *   p ← p - lr·λ·p - lr·g
     * </pre>
     * Return the new parameters as a new array.
     *
     * <p>Worked example: p = [1, -2], g = [0.5, 0], lr = 0.1, λ = 0.5 gives [1 - 0.05 - 0.05, -2 + 0.1]
     * = [0.9, -1.9].
     *
     * <p>Edge cases: params and grads of different lengths throw IllegalArgumentException.
     */
    public static double[] sgdStep(double[] params, double[] grads, double learningRate, double weightDecay) {
        throw new UnsupportedOperationException("TODO: next[i] = p[i] - lr * weightDecay * p[i] - lr * g[i]");
    }

    /**
     * Exercise 8: inverted dropout in training. Draw one number per element, in order, from
     * {@code new SplittableRandom(seed)} with {@code nextDouble()}; if it is below p the element is
     * dropped (0), otherwise it is kept and scaled by 1 / (1 - p), so the expected value of every
     * element is unchanged and nothing needs rescaling at evaluation time.
     *
     * <p>Worked example: p = 0 returns an equal copy; p = 0.5 turns each element into 0 or twice itself.
     *
     * <p>Edge cases: p outside [0, 1) throws IllegalArgumentException (p = 1 would drop everything).
     */
    public static double[] invertedDropout(double[] x, double p, long seed) {
        throw new UnsupportedOperationException("TODO: random = new SplittableRandom(seed); per element: nextDouble() < p ? 0 : x / (1 - p)");
    }

    /**
     * Exercise 9: the k nearest neighbours of token {@code id} in an embedding table by cosine
     * similarity, cos(u, v) = u·v / (|u|·|v|). Return the ids of the k most similar other tokens,
     * most similar first; ties go to the lower id. The token itself is never its own neighbour.
     *
     * <p>Worked example: table = [[1, 0], [0, 1], [2, 0.1], [-1, 0]], id 0, k = 2 gives [2, 1]
     * (cosines 0.9988, 0, and -1 for token 3).
     *
     * <p>Edge cases: k larger than V - 1 returns all V - 1 others; a zero vector has similarity 0 to everything.
     */
    public static int[] nearest(double[][] table, int id, int k) {
        throw new UnsupportedOperationException("TODO: cosine of row id with every other row; sort by similarity (desc), then id (asc); take k");
    }

    /**
     * Exercise 10: perplexity from the per-token losses (cross-entropies in nats) of a text:
     * e^(mean loss). A model that is uniform over V tokens has perplexity V.
     *
     * <p>Worked example: losses [log 4, log 4] give 4; [0, 2] give e^1 = 2.718281828459045.
     *
     * <p>Edge cases: no losses throws IllegalArgumentException.
     */
    public static double perplexity(double[] tokenLosses) {
        throw new UnsupportedOperationException("TODO: Math.exp(mean of the losses)");
    }
}
