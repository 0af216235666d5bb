package dev.minillm.ngram;

import java.util.Map;
import java.util.TreeMap;

/**
 * What followed one context in the training data: how often each next token came, in total, and
 * how many different tokens came. Kneser-Ney's discounting needs all three.
 */
public final class Continuations {

    private final Map<Integer, Integer> counts = new TreeMap<>();
    private long total;

    void add(int token, int times) {
        counts.merge(token, times, Integer::sum);
        total += times;
    }

    /** c(context, token): how often {@code token} followed the context. */
    public int count(int token) {
        return counts.getOrDefault(token, 0);
    }

    /** c(context): how often the context was followed by anything. */
    public long total() {
        return total;
    }

    /** N1+(context •): how many different tokens followed the context. */
    public int distinct() {
        return counts.size();
    }

    /** The followers and their counts, by token id. */
    public Map<Integer, Integer> counts() {
        return java.util.Collections.unmodifiableMap(counts);
    }
}
