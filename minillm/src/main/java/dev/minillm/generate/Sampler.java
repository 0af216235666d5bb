package dev.minillm.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The steps of {@link SamplerSettings}, each a small public method so a notebook can plot what it
 * does to a distribution: {@link #penalize}, {@link #softmax}, {@link #keepTopK}, {@link #keepTopP},
 * and {@link #distribution} which chains them.
 */
public final class Sampler {

    private Sampler() {}

    /**
     * The distribution the next token is drawn from: every step of {@code settings} applied to
     * {@code logits}. Greedy settings give probability 1 on the arg max (the first one on ties).
     *
     * @param history the tokens so far, for the repetition penalty (may be empty)
     * @return V probabilities summing to 1; the filtered-out tokens are exactly 0
     */
    public static float[] distribution(float[] logits, SamplerSettings settings, int[] history) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("Sampler: no logits");
        }
        float[] scores = penalize(logits, history, settings.repetitionPenalty());
        if (settings.isGreedy()) {
            float[] oneHot = new float[scores.length];
            oneHot[argmax(scores)] = 1f;
            return oneHot;
        }
        float[] p = softmax(scores, settings.temperature());
        p = keepTopK(p, settings.topK());
        return keepTopP(p, settings.topP());
    }

    /** One token drawn from {@link #distribution}. */
    public static int pick(float[] logits, SamplerSettings settings, int[] history, RandomGenerator random) {
        return draw(distribution(logits, settings, history), random);
    }

    /**
     * CTRL's repetition penalty: for every token that occurs in {@code history}, a positive logit is
     * divided by {@code penalty} and a negative one multiplied by it (both lower its probability).
     */
    public static float[] penalize(float[] logits, int[] history, float penalty) {
        if (penalty == 1f || history.length == 0) {
            return logits;
        }
        float[] out = logits.clone();
        boolean[] seen = new boolean[logits.length];
        for (int token : history) {
            if (token < 0 || token >= logits.length) {
                throw new IllegalArgumentException("Sampler: history token " + token + " is outside the vocabulary 0.."
                        + (logits.length - 1));
            }
            if (!seen[token]) {
                seen[token] = true;
                out[token] = out[token] > 0 ? out[token] / penalty : out[token] * penalty;
            }
        }
        return out;
    }

    /** softmax(logits / temperature), computed in double after subtracting the maximum (no overflow). */
    public static float[] softmax(float[] logits, float temperature) {
        if (!(temperature > 0f)) {
            throw new IllegalArgumentException("softmax: temperature must be > 0, got " + temperature
                    + " (use argmax for temperature 0)");
        }
        float max = logits[argmax(logits)];
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((logits[i] - max) / (double) temperature);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    /**
     * The k most probable tokens kept and renormalised; the rest set to 0. Ties at the k-th
     * probability are broken by the lower id, so exactly k tokens remain. k = 0 or k ≥ V keeps all.
     */
    public static float[] keepTopK(float[] probabilities, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("keepTopK: k must be >= 0, got " + k);
        }
        if (k == 0 || k >= probabilities.length) {
            return probabilities;
        }
        float[] kept = new float[probabilities.length];
        for (int id : byProbability(probabilities).subList(0, k)) {
            kept[id] = probabilities[id];
        }
        return normalise(kept);
    }

    /**
     * The nucleus: the smallest set of most probable tokens whose total probability reaches p
     * (Holtzman et al., 2019), renormalised; the rest set to 0. At least one token is always kept.
     */
    public static float[] keepTopP(float[] probabilities, float p) {
        if (!(p > 0f && p <= 1f)) {
            throw new IllegalArgumentException("keepTopP: p must be in (0, 1], got " + p);
        }
        if (p == 1f) {
            return probabilities;
        }
        float[] kept = new float[probabilities.length];
        double total = 0;
        for (int id : byProbability(probabilities)) {
            kept[id] = probabilities[id];
            total += probabilities[id];
            if (total >= p) {
                break;
            }
        }
        return normalise(kept);
    }

    /** The index of the largest value; the first one on ties. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** One index drawn with the given probabilities (inverse CDF with one uniform number). */
    public static int draw(float[] probabilities, RandomGenerator random) {
        double u = random.nextDouble();
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
        if (last < 0) {
            throw new IllegalArgumentException("draw: every probability is 0");
        }
        return last; // u landed above a total that rounding made slightly less than 1
    }

    /** Token ids from most to least probable; ties by lower id. */
    static java.util.List<Integer> byProbability(float[] probabilities) {
        Integer[] ids = new Integer[probabilities.length];
        Arrays.setAll(ids, i -> i);
        Arrays.sort(ids, (a, b) -> probabilities[a] != probabilities[b]
                ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
        return Arrays.asList(ids);
    }

    /** The values divided by their sum. */
    static float[] normalise(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] / sum);
        }
        return out;
    }
}
