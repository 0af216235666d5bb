package dev.minillm.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search (束搜索): keep the {@code width} most probable partial texts instead of one. At every
 * step each beam is extended by every token, and the {@code width} best extensions by total
 * log-probability survive. Width 1 is greedy decoding; a width of V^(L-1) searches all texts of L
 * tokens and finds the most probable one.
 *
 * <p>A beam that draws the end token is finished and set aside. Finished texts are compared by
 * log-probability / length^α (the length penalty of Wu et al., 2016): with α = 0 short texts win,
 * because every token multiplies in a probability below 1; α = 1 compares the average per token.
 *
 * <p>It is deterministic and favours safe, high-probability text: good for translation or
 * summarising, where there is one right answer; for open-ended writing it tends to repeat itself,
 * which is why chat models sample instead.
 */
public final class BeamSearch {

    /**
     * One candidate text.
     *
     * @param tokens the new tokens (without the prompt, without the end token)
     * @param logProbability the sum of the natural-log probabilities of its tokens (and of the end token if finished)
     * @param finished true if it ended with the end token
     */
    public record Beam(int[] tokens, double logProbability, boolean finished) {
        /** logProbability / length^alpha, counting the end token of a finished beam; the score beams are ranked by. */
        public double score(double alpha) {
            int length = tokens.length + (finished ? 1 : 0);
            return length == 0 ? logProbability : logProbability / Math.pow(length, alpha);
        }
    }

    private final CausalModel model;
    private final int width;
    private final double lengthPenalty;

    /**
     * @param width beams kept, ≥ 1
     * @param lengthPenalty α ≥ 0 in score = log p / length^α
     */
    public BeamSearch(CausalModel model, int width, double lengthPenalty) {
        if (width < 1) {
            throw new IllegalArgumentException("BeamSearch: width must be >= 1, got " + width);
        }
        if (!(lengthPenalty >= 0)) {
            throw new IllegalArgumentException("BeamSearch: lengthPenalty must be >= 0, got " + lengthPenalty);
        }
        this.model = model;
        this.width = width;
        this.lengthPenalty = lengthPenalty;
    }

    /**
     * The best beams, best first, after extending {@code prompt} by at most {@code maxNewTokens}.
     *
     * @param endToken the id that finishes a beam, or -1 for none
     */
    public List<Beam> search(int[] prompt, int maxNewTokens, int endToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("BeamSearch: the prompt is empty; start with at least one token");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("BeamSearch: maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        List<Beam> alive = List.of(new Beam(new int[0], 0, false));
        List<Beam> finished = new ArrayList<>();
        for (int step = 0; step < maxNewTokens && !alive.isEmpty(); step++) {
            List<Beam> candidates = new ArrayList<>();
            for (Beam beam : alive) {
                double[] logProbabilities = nextLogProbabilities(prompt, beam.tokens());
                for (int token = 0; token < logProbabilities.length; token++) {
                    double lp = beam.logProbability() + logProbabilities[token];
                    if (lp == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    boolean end = token == endToken;
                    int[] tokens = end ? beam.tokens() : append(beam.tokens(), token);
                    candidates.add(new Beam(tokens, lp, end));
                }
            }
            // the width best by total log-probability go on; the finished ones among them are set aside
            candidates.sort(Comparator.comparingDouble(Beam::logProbability).reversed());
            List<Beam> next = new ArrayList<>();
            for (Beam c : candidates.subList(0, Math.min(width, candidates.size()))) {
                (c.finished() ? finished : next).add(c);
            }
            alive = next;
        }
        List<Beam> all = new ArrayList<>(finished);
        all.addAll(alive);
        all.sort(Comparator.comparingDouble((Beam b) -> b.score(lengthPenalty)).reversed());
        return all.subList(0, Math.min(width, all.size()));
    }

    /** log softmax of the model's next-token logits after prompt + tokens. */
    private double[] nextLogProbabilities(int[] prompt, int[] tokens) {
        float[][] rows = model.start().append(append(prompt, tokens));
        float[] logits = rows[rows.length - 1];
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logSum = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logSum;
        }
        return out;
    }

    private static int[] append(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
