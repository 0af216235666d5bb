package dev.minillm.exercises.ch09;

import java.util.List;

/**
 * Chapter 9 exercises: the pieces of every decoding strategy, as ten static methods on plain arrays.
 *
 * <p>Greedy choice, softmax with a temperature, top-k and top-p filters, the repetition penalty,
 * drawing a token with a given uniform number, one step of beam search, the acceptance rule and the
 * leftover distribution of speculative decoding, and finding a stop string. Each method's Javadoc
 * gives the task, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code DecodingTest}).
 */
public final class Decoding {

    private Decoding() {
    }

    /**
     * Exercise 1: greedy decoding. Return the index of the largest logit; on ties, the first one.
     *
     * <p>Worked example: [1, 3, 3, 2] gives 1.
     *
     * <p>Edge case: an empty array throws IllegalArgumentException.
     */
    public static int greedy(double[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("greedy: no logits");
        }
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Exercise 2: softmax with a temperature: p_i = e^((z_i - max z) / T) / Σ_j e^((z_j - max z) / T).
     *
     * <p>Worked example: logits [0, ln 3] at T = 1 give [0.25, 0.75]; at T = 0.5 they give [0.1, 0.9].
     *
     * <p>Edge cases: T ≤ 0 throws IllegalArgumentException (T = 0 is greedy, handled elsewhere);
     * [1000, 0] must not overflow.
     *
     * <p>Hint: subtract the maximum before dividing by T and exponentiating.
     */
    public static double[] softmax(double[] logits, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("softmax: temperature must be > 0, got " + temperature);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double z : logits) {
            max = Math.max(max, z);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Exercise 3: top-k filtering. Keep the k largest probabilities, set the others to 0, and
     * renormalise so the kept ones sum to 1. On ties at the k-th place keep the lower index, so
     * exactly k values stay non-zero. k = 0 or k ≥ length returns a copy unchanged.
     *
     * <p>Worked example: [0.1, 0.4, 0.2, 0.3], k = 2 gives [0, 4/7, 0, 3/7].
     *
     * <p>Edge case: k &lt; 0 throws IllegalArgumentException.
     *
     * <p>Hint: sort the indices by probability (descending, then by index), keep the first k.
     */
    public static double[] topK(double[] probabilities, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("topK: k must be >= 0, got " + k);
        }
        if (k == 0 || k >= probabilities.length) {
            return probabilities.clone();
        }
        double[] kept = new double[probabilities.length];
        for (int i : byProbability(probabilities).subList(0, k)) {
            kept[i] = probabilities[i];
        }
        return normalise(kept);
    }

    /**
     * Exercise 4: top-p (nucleus) filtering. Going from the most probable token down (ties: lower
     * index first), keep tokens until their total reaches at least p; set the rest to 0 and
     * renormalise. At least one token is always kept.
     *
     * <p>Worked example: [0.05, 0.5, 0.15, 0.3], p = 0.8 keeps 0.5 and 0.3: [0, 0.625, 0, 0.375].
     *
     * <p>Edge case: p outside (0, 1] throws IllegalArgumentException.
     */
    public static double[] topP(double[] probabilities, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("topP: p must be in (0, 1], got " + p);
        }
        double[] kept = new double[probabilities.length];
        double total = 0;
        for (int i : byProbability(probabilities)) {
            kept[i] = probabilities[i];
            total += probabilities[i];
            if (total >= p) {
                break;
            }
        }
        return normalise(kept);
    }

    /**
     * Exercise 5: CTRL's repetition penalty. For every token that occurs in {@code history} (once,
     * however often it occurs), divide its logit by {@code penalty} if it is positive and multiply it
     * by {@code penalty} otherwise. Other logits are unchanged. Return a new array.
     *
     * <p>Worked example: logits [2, -1, 0.5], history [0, 1, 1], penalty 2 give [1, -2, 0.5].
     */
    public static double[] repetitionPenalty(double[] logits, int[] history, double penalty) {
        double[] out = logits.clone();
        boolean[] seen = new boolean[logits.length];
        for (int token : history) {
            if (!seen[token]) {
                seen[token] = true;
                out[token] = out[token] > 0 ? out[token] / penalty : out[token] * penalty;
            }
        }
        return out;
    }

    /**
     * Exercise 6: draw a token by inverse transform sampling. Given probabilities and a uniform
     * number u in [0, 1), return the first index i whose cumulative probability
     * p_0 + ... + p_i is greater than u.
     *
     * <p>Worked example: [0.2, 0.5, 0.3] with u = 0.1 gives 0, with u = 0.2 gives 1, with u = 0.95 gives 2.
     *
     * <p>Edge case: if rounding leaves u above the total, return the last index with p &gt; 0.
     */
    public static int draw(double[] probabilities, double u) {
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > 0) {
                cumulative += probabilities[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * Exercise 7: one step of beam search. {@code beamLogProbabilities[b]} is the total log-probability
     * of beam b; {@code nextLogProbabilities[b][t]} is ln p(token t | beam b). Every extension (b, t)
     * scores beamLogProbabilities[b] + nextLogProbabilities[b][t]. Return the {@code width} best
     * extensions as pairs {b, t}, best first; ties by lower b, then lower t.
     *
     * <p>Worked example: beams [-1, -2], next [[-0.1, -3], [-0.2, -0.3]], width 2 gives
     * [[0, 0], [1, 0]] (scores -1.1 and -2.2; then -2.3 and -4).
     */
    public static int[][] beamStep(double[] beamLogProbabilities, double[][] nextLogProbabilities, int width) {
        List<int[]> candidates = new java.util.ArrayList<>();
        for (int b = 0; b < beamLogProbabilities.length; b++) {
            for (int t = 0; t < nextLogProbabilities[b].length; t++) {
                candidates.add(new int[] {b, t});
            }
        }
        candidates.sort((x, y) -> {
            double sx = beamLogProbabilities[x[0]] + nextLogProbabilities[x[0]][x[1]];
            double sy = beamLogProbabilities[y[0]] + nextLogProbabilities[y[0]][y[1]];
            return sx != sy ? Double.compare(sy, sx) : x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
        });
        return candidates.subList(0, Math.min(width, candidates.size())).toArray(new int[0][]);
    }

    /**
     * Exercise 8: speculative decoding's acceptance probability for a drafted token: min(1, p / q),
     * where p is the target's probability of the token and q the draft's (q &gt; 0, since the draft drew it).
     *
     * <p>Worked example: p = 0.3, q = 0.6 gives 0.5; p = 0.6, q = 0.3 gives 1.
     */
    public static double acceptanceProbability(double p, double q) {
        return Math.min(1.0, p / q);
    }

    /**
     * Exercise 9: the leftover distribution used after a rejection: normalise(max(0, p - q)),
     * element by element. If every difference is ≤ 0 (p and q equal), return a copy of p.
     *
     * <p>Worked example: p = [0.5, 0.3, 0.2], q = [0.2, 0.6, 0.2] gives [1, 0, 0];
     * p = [0.4, 0.4, 0.2], q = [0.2, 0.2, 0.6] gives [0.5, 0.5, 0].
     */
    public static double[] leftover(double[] p, double[] q) {
        double[] r = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            r[i] = Math.max(0, p[i] - q[i]);
            sum += r[i];
        }
        return sum > 0 ? normalise(r) : p.clone();
    }

    /**
     * Exercise 10: where does generated text have to be cut? Return the smallest index at which any
     * of the stop strings occurs in {@code text}, or -1 if none does.
     *
     * <p>Worked example: text "Hi.\nUser: ok\n\n", stops ["\n\n", "User:"] gives 4.
     */
    public static int stopIndex(String text, List<String> stops) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Indices from most to least probable; ties by lower index. */
    private static List<Integer> byProbability(double[] probabilities) {
        return java.util.stream.IntStream.range(0, probabilities.length).boxed()
                .sorted((a, b) -> probabilities[a] != probabilities[b]
                        ? Double.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b))
                .toList();
    }

    /** The values divided by their sum. */
    private static double[] normalise(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] / sum;
        }
        return out;
    }
}
