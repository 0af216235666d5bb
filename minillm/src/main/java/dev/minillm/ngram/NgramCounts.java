package dev.minillm.ngram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every n-gram of order 1 to {@code maxOrder} counted once, the raw material of all estimates.
 *
 * <p>For each order k the counts are grouped by context (the k-1 tokens before the predicted
 * one). Each sequence is padded with k-1 {@link Vocabulary#BOS} tokens in front and one
 * {@link Vocabulary#EOS} at the end, so the first token has a context and the end is predicted.
 *
 * <p>A context is stored as a string with one char per token id: compact, hashable, and
 * {@code key.substring(1)} is the context one token shorter.
 */
public final class NgramCounts {

    private final Vocabulary vocabulary;
    private final int maxOrder;
    private final long tokens;
    /** raw.get(k): context of k-1 tokens to what followed it, for k = 1..maxOrder (index 0 unused). */
    private final List<Map<String, Continuations>> raw = new ArrayList<>();
    /** continuation.get(k): like raw, but counting distinct left neighbours (Kneser-Ney), k < maxOrder. */
    private final List<Map<String, Continuations>> continuation = new ArrayList<>();
    /** Kneser-Ney discount per order, estimated on first use. */
    private final double[] discounts;

    private NgramCounts(Vocabulary vocabulary, List<int[]> sequences, int maxOrder) {
        this.vocabulary = vocabulary;
        this.maxOrder = maxOrder;
        this.discounts = new double[maxOrder + 1];
        Arrays.fill(discounts, Double.NaN);
        for (int k = 0; k <= maxOrder; k++) {
            raw.add(new HashMap<>());
            continuation.add(new HashMap<>());
        }
        long seen = 0;
        for (int[] sequence : sequences) {
            int[] padded = pad(sequence, maxOrder);
            for (int i = maxOrder - 1; i < padded.length; i++) {
                for (int k = 1; k <= maxOrder; k++) {
                    String context = key(padded, i - k + 1, i);
                    raw.get(k).computeIfAbsent(context, c -> new Continuations()).add(padded[i], 1);
                }
                seen++;
            }
        }
        this.tokens = seen;
        // N1+(• context w): each distinct (v, context, w) of order k+1 adds one to (context, w) of order k.
        for (int k = 1; k < maxOrder; k++) {
            for (var entry : raw.get(k + 1).entrySet()) {
                String shorter = entry.getKey().substring(1);
                var target = continuation.get(k).computeIfAbsent(shorter, c -> new Continuations());
                entry.getValue().counts().keySet().forEach(w -> target.add(w, 1));
            }
        }
    }

    /**
     * Counts all n-grams up to {@code maxOrder} in the sequences.
     *
     * @throws IllegalArgumentException if {@code maxOrder < 1} or there is nothing to count
     */
    public static NgramCounts count(Vocabulary vocabulary, List<List<String>> sequences, int maxOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("n-gram order must be at least 1, got " + maxOrder);
        }
        if (sequences.stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("no tokens to count: the training text is empty");
        }
        return new NgramCounts(vocabulary, sequences.stream().map(vocabulary::encode).toList(), maxOrder);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public int maxOrder() {
        return maxOrder;
    }

    /** Number of predicted positions counted (tokens plus one end-of-sequence per sequence). */
    public long tokens() {
        return tokens;
    }

    /** What followed this context (its last {@code order - 1} ids) in the raw counts; null if never seen. */
    public Continuations raw(int order, int[] context) {
        return raw.get(checkOrder(order)).get(key(context, context.length - (order - 1), context.length));
    }

    /** Kneser-Ney continuation counts for a context at a lower order; null if never seen. */
    public Continuations continuation(int order, int[] context) {
        if (checkOrder(order) == maxOrder) {
            throw new IllegalArgumentException("continuation counts exist only below the highest order " + maxOrder);
        }
        return continuation.get(order).get(key(context, context.length - (order - 1), context.length));
    }

    /** Number of distinct contexts of this order (k-1 tokens) seen in training. */
    public int contexts(int order) {
        return raw.get(checkOrder(order)).size();
    }

    /** How many distinct n-grams of this order occurred exactly {@code times} times (counts of counts). */
    public long countOfCounts(int order, int times) {
        return raw.get(checkOrder(order)).values().stream()
                .flatMap(c -> c.counts().values().stream()).filter(n -> n == times).count();
    }

    /**
     * The Kneser-Ney discount D = n1 / (n1 + 2 n2) for an order, where n1 and n2 are the numbers
     * of n-grams seen exactly once and twice (Ney, Essen and Kneser 1994); kept inside [0.05, 0.95],
     * and 0.75 when there are none.
     */
    public synchronized double estimatedDiscount(int order) {
        if (Double.isNaN(discounts[checkOrder(order)])) {
            long n1 = countOfCounts(order, 1);
            long n2 = countOfCounts(order, 2);
            double d = n1 + 2 * n2 == 0 ? 0.75 : (double) n1 / (n1 + 2 * n2);
            discounts[order] = Math.min(Math.max(d, 0.05), 0.95);
        }
        return discounts[order];
    }

    /** The sequence with {@code order - 1} BOS ids in front and one EOS id at the end. */
    static int[] pad(int[] sequence, int order) {
        int[] padded = new int[order - 1 + sequence.length + 1];
        Arrays.fill(padded, 0, order - 1, Vocabulary.BOS_ID);
        System.arraycopy(sequence, 0, padded, order - 1, sequence.length);
        padded[padded.length - 1] = Vocabulary.EOS_ID;
        return padded;
    }

    private static String key(int[] ids, int from, int to) {
        if (from < 0) {
            throw new IllegalArgumentException("context has " + ids.length + " tokens, need " + (to - from)
                    + "; pad it with Vocabulary.BOS");
        }
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = (char) ids[i];
        }
        return new String(chars);
    }

    private int checkOrder(int order) {
        if (order < 1 || order > maxOrder) {
            throw new IllegalArgumentException("order " + order + " is outside 1.." + maxOrder + " counted here");
        }
        return order;
    }
}
