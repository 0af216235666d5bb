package dev.minillm.ngram;

import dev.minillm.common.Corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * An n-gram language model: the probability of the next token given only the n-1 tokens before it,
 * P(w_t | w_1 .. w_{t-1}) ≈ P(w_t | w_{t-n+1} .. w_{t-1}), estimated from counts with a
 * {@link Smoothing}.
 *
 * <pre>{@code
 * var model = NgramModel.train(Corpus.english(), Level.CHAR, 3, new Smoothing.KneserNey());
 * model.probability(List.of("t", "h"), "e");   // P(e | t h)
 * model.sample(42, 80);                        // 80 characters of made-up text
 * }</pre>
 */
public final class NgramModel {

    private final NgramCounts counts;
    private final int order;
    private final Level level;
    private final Smoothing smoothing;

    private NgramModel(NgramCounts counts, int order, Level level, Smoothing smoothing) {
        if (order < 1 || order > counts.maxOrder()) {
            throw new IllegalArgumentException("order " + order + " needs counts up to that order; these go up to "
                    + counts.maxOrder() + " (and the order must be at least 1)");
        }
        this.counts = counts;
        this.order = order;
        this.level = level;
        this.smoothing = smoothing;
    }

    /**
     * Counts the corpus and returns a model of the given order.
     *
     * @throws IllegalArgumentException if {@code order < 1}
     */
    public static NgramModel train(Corpus corpus, Level level, int order, Smoothing smoothing) {
        if (order < 1) {
            throw new IllegalArgumentException("n-gram order must be at least 1, got " + order);
        }
        List<List<String>> sequences = level.sequences(corpus);
        var counts = NgramCounts.count(Vocabulary.of(sequences), sequences, order);
        return new NgramModel(counts, order, level, smoothing);
    }

    /** A model of a lower (or equal) order and any smoothing on the same counts: no recounting. */
    public NgramModel with(int order, Smoothing smoothing) {
        return new NgramModel(counts, order, level, smoothing);
    }

    public int order() {
        return order;
    }

    public Level level() {
        return level;
    }

    public Smoothing smoothing() {
        return smoothing;
    }

    public Vocabulary vocabulary() {
        return counts.vocabulary();
    }

    public NgramCounts counts() {
        return counts;
    }

    /**
     * P(next | context). Only the last n-1 tokens of the context matter; a shorter context is
     * taken as the start of a text (padded with {@link Vocabulary#BOS}). Tokens never seen in
     * training are read as {@link Vocabulary#UNK}.
     */
    public double probability(List<String> context, String next) {
        if (Vocabulary.BOS.equals(next)) {
            throw new IllegalArgumentException(Vocabulary.BOS + " only pads contexts; a model never predicts it");
        }
        return probability(contextIds(vocabulary().encode(context)), vocabulary().id(next));
    }

    /** P(next | context) on token ids; {@code context} must hold at least n-1 ids. */
    public double probability(int[] context, int next) {
        return smoothing.probability(counts, order, context, next);
    }

    /**
     * The natural log of the probability of a whole text, by the chain rule: the sum of
     * ln P(token | the n-1 tokens before it) over every token and the final end-of-sequence.
     * Minus infinity when the model gives any of them probability 0.
     */
    public double logProbability(String text) {
        int[] padded = NgramCounts.pad(vocabulary().encode(level.split(text)), order);
        double sum = 0;
        for (int i = order - 1; i < padded.length; i++) {
            sum += Math.log(probability(Arrays.copyOfRange(padded, i - order + 1, i), padded[i]));
        }
        return sum;
    }

    /** The {@code k} most likely next tokens after the context, most likely first. */
    public List<Prediction> mostLikelyNext(List<String> context, int k) {
        int[] ids = contextIds(vocabulary().encode(context));
        return IntStream.range(Vocabulary.EOS_ID, vocabulary().size())
                .mapToObj(id -> new Prediction(vocabulary().token(id), probability(ids, id)))
                .sorted(Comparator.comparingDouble(Prediction::probability).reversed())
                .limit(k)
                .toList();
    }

    /** A possible next token and its probability. */
    public record Prediction(String token, double probability) {}

    /**
     * How well the model predicts held-out text: average negative log-probability per token
     * (cross-entropy) and its exponential, the perplexity.
     */
    public Evaluation evaluate(Corpus heldOut) {
        long tokens = 0;
        long unknown = 0;
        long impossible = 0;
        double negativeLogLikelihood = 0;
        for (List<String> sequence : level.sequences(heldOut)) {
            int[] padded = NgramCounts.pad(vocabulary().encode(sequence), order);
            for (int i = order - 1; i < padded.length; i++) {
                double p = probability(Arrays.copyOfRange(padded, i - order + 1, i), padded[i]);
                negativeLogLikelihood -= Math.log(p);
                tokens++;
                unknown += padded[i] == Vocabulary.UNK_ID ? 1 : 0;
                impossible += p == 0 ? 1 : 0;
            }
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("held-out corpus '" + heldOut.name() + "' has no tokens to evaluate");
        }
        return new Evaluation(tokens, unknown, impossible, negativeLogLikelihood / tokens);
    }

    /** Perplexity on held-out text: exp(cross-entropy); infinite if any token got probability 0. */
    public double perplexity(Corpus heldOut) {
        return evaluate(heldOut).perplexity();
    }

    /**
     * The result of {@link #evaluate}.
     *
     * @param tokens predicted positions, end-of-sequence tokens included
     * @param unknownTokens how many of them were not in the training vocabulary
     * @param zeroProbabilityTokens how many got probability 0 (each makes perplexity infinite)
     * @param crossEntropy average negative log-probability, in nats per token
     */
    public record Evaluation(long tokens, long unknownTokens, long zeroProbabilityTokens, double crossEntropy) {
        public double perplexity() {
            return Math.exp(crossEntropy);
        }

        public double bitsPerToken() {
            return crossEntropy / Math.log(2);
        }
    }

    /** Generates text from the start of a sequence until end-of-sequence or {@code maxTokens}. */
    public String sample(long seed, int maxTokens) {
        return sample("", seed, maxTokens);
    }

    /**
     * Continues a prompt by drawing one token at a time from P(w | last n-1 tokens); the same
     * seed always gives the same text. {@link Vocabulary#UNK} is never drawn.
     *
     * @return the prompt followed by the generated tokens
     * @throws IllegalStateException if the model gives every token probability 0 (an MLE model
     *     after a context it never saw)
     */
    public String sample(String prompt, long seed, int maxTokens) {
        var random = new SplittableRandom(seed);
        List<String> tokens = new ArrayList<>(level.split(prompt));
        List<Integer> ids = new ArrayList<>(Arrays.stream(vocabulary().encode(tokens)).boxed().toList());
        double[] weights = new double[vocabulary().size()];
        for (int step = 0; step < maxTokens; step++) {
            int[] context = contextIds(ids.stream().mapToInt(Integer::intValue).toArray());
            int next = draw(context, weights, random);
            if (next == Vocabulary.EOS_ID) {
                break;
            }
            ids.add(next);
            tokens.add(vocabulary().token(next));
        }
        return level.join(tokens);
    }

    private int draw(int[] context, double[] weights, SplittableRandom random) {
        double total = 0;
        for (int id = Vocabulary.EOS_ID; id < weights.length; id++) {
            weights[id] = id == Vocabulary.UNK_ID ? 0 : probability(context, id);
            total += weights[id];
        }
        if (total == 0) {
            throw new IllegalStateException("the " + smoothing.label() + " model gives every token probability 0 after "
                    + "this context (it never saw it); use a smoothed model or a prompt from the training text");
        }
        double target = random.nextDouble() * total;
        int last = Vocabulary.EOS_ID;
        for (int id = Vocabulary.EOS_ID; id < weights.length; id++) {
            if (weights[id] > 0) {
                last = id;
                target -= weights[id];
                if (target < 0) {
                    return id;
                }
            }
        }
        return last; // only reached through rounding at the very end of the distribution
    }

    /** The last n-1 ids, padded on the left with BOS when the text is shorter. */
    private int[] contextIds(int[] ids) {
        int[] context = new int[order - 1];
        int fill = Math.max(0, context.length - ids.length);
        Arrays.fill(context, 0, fill, Vocabulary.BOS_ID);
        System.arraycopy(ids, ids.length - (context.length - fill), context, fill, context.length - fill);
        return context;
    }

    @Override
    public String toString() {
        return order + "-gram " + level.name().toLowerCase() + " model (" + smoothing.label() + ", "
                + vocabulary().size() + " tokens in vocabulary)";
    }
}
