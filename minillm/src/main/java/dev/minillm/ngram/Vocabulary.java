package dev.minillm.ngram;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The tokens a model knows, each with an integer id. Ids 0, 1 and 2 are the special tokens
 * {@link #BOS}, {@link #EOS} and {@link #UNK}; the rest follow in sorted order, so the same text
 * always gives the same ids.
 */
public final class Vocabulary {

    /** Begin of sequence: pads the context before the first real token. Never predicted. */
    public static final String BOS = "<s>";
    /** End of sequence: predicted after the last token, so a model learns where text stops. */
    public static final String EOS = "</s>";
    /** Stands for every token not seen in training. */
    public static final String UNK = "<unk>";
    public static final int BOS_ID = 0;
    public static final int EOS_ID = 1;
    public static final int UNK_ID = 2;
    /** Contexts are packed one char per id (see {@link NgramCounts}), so ids must fit in a char. */
    static final int MAX_SIZE = Character.MAX_VALUE;

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();

    private Vocabulary(List<String> tokens) {
        if (tokens.size() > MAX_SIZE) {
            throw new IllegalArgumentException("vocabulary of " + tokens.size() + " tokens is too large for an"
                    + " n-gram model here (at most " + MAX_SIZE + "); use Level.CHAR or a smaller corpus");
        }
        this.tokens = List.copyOf(tokens);
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
    }

    /** Every distinct token of the sequences, after the three special tokens. */
    public static Vocabulary of(Collection<? extends List<String>> sequences) {
        var distinct = new TreeSet<String>();
        sequences.forEach(distinct::addAll);
        List.of(BOS, EOS, UNK).forEach(distinct::remove);
        List<String> tokens = new ArrayList<>(List.of(BOS, EOS, UNK));
        tokens.addAll(distinct);
        return new Vocabulary(tokens);
    }

    /** Number of tokens, special ones included. */
    public int size() {
        return tokens.size();
    }

    /** The id of a token; tokens never seen in training map to {@link #UNK_ID}. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /** Ids of the tokens, with unknown tokens as {@link #UNK_ID}. */
    public int[] encode(List<String> sequence) {
        return sequence.stream().mapToInt(this::id).toArray();
    }

    /** Tokens a model can predict: everything except {@link #BOS}. */
    public int predictableSize() {
        return tokens.size() - 1;
    }
}
