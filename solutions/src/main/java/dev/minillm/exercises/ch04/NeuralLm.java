package dev.minillm.exercises.ch04;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

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
        double[][] rows = new double[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= table.length) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the vocabulary 0.." + (table.length - 1));
            }
            rows[i] = table[ids[i]].clone();
        }
        return rows;
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
        int m = upstream.length == 0 ? 0 : upstream[0].length;
        double[][] grad = new double[vocabSize][m];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < m; j++) {
                grad[ids[i]][j] += upstream[i][j];
            }
        }
        return grad;
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
        double max = Double.NEGATIVE_INFINITY;
        for (double y : logits) {
            max = Math.max(max, y);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
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
        if (target < 0 || target >= logits.length) {
            throw new IllegalArgumentException("target " + target + " is outside 0.." + (logits.length - 1));
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double y : logits) {
            max = Math.max(max, y);
        }
        double sum = 0;
        for (double y : logits) {
            sum += Math.exp(y - max);
        }
        return Math.log(sum) + max - logits[target];
    }

    /**
     * Exercise 5: the gradient of {@link #crossEntropy} with respect to the logits:
     * softmax(logits) - onehot(target). The right token's score is pushed up, every other token's
     * down, each in proportion to its probability.
     *
     * <p>Worked example: logits [0, 0], target 0 gives [-0.5, 0.5].
     */
    public static double[] crossEntropyGradient(double[] logits, int target) {
        double[] grad = softmax(logits);
        grad[target] -= 1;
        return grad;
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
        double[][] rows = embeddingLookup(c, context);
        int m = c[0].length;
        double[] x = new double[context.length * m];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, x, i * m, m);
        }
        double[] a = new double[h.length];
        for (int j = 0; j < h.length; j++) {
            double sum = d[j];
            for (int i = 0; i < x.length; i++) {
                sum += h[j][i] * x[i];
            }
            a[j] = Math.tanh(sum);
        }
        double[] y = new double[u.length];
        for (int v = 0; v < u.length; v++) {
            double sum = b[v];
            for (int j = 0; j < a.length; j++) {
                sum += u[v][j] * a[j];
            }
            y[v] = sum;
        }
        return y;
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
        if (params.length != grads.length) {
            throw new IllegalArgumentException(params.length + " parameters but " + grads.length + " gradients");
        }
        double[] next = new double[params.length];
        for (int i = 0; i < params.length; i++) {
            next[i] = params[i] - learningRate * weightDecay * params[i] - learningRate * grads[i];
        }
        return next;
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
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
        }
        var random = new SplittableRandom(seed);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = random.nextDouble() < p ? 0 : x[i] / (1 - p);
        }
        return out;
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
        List<Integer> others = new ArrayList<>();
        double[] similarity = new double[table.length];
        for (int v = 0; v < table.length; v++) {
            if (v != id) {
                others.add(v);
                similarity[v] = cosine(table[id], table[v]);
            }
        }
        others.sort(Comparator.<Integer>comparingDouble(v -> -similarity[v]).thenComparingInt(v -> v));
        return others.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
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
        if (tokenLosses.length == 0) {
            throw new IllegalArgumentException("perplexity of no tokens is undefined");
        }
        double sum = 0;
        for (double loss : tokenLosses) {
            sum += loss;
        }
        return Math.exp(sum / tokenLosses.length);
    }
}
