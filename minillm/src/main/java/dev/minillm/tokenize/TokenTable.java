package dev.minillm.tokenize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A vocabulary of strings for the tokenizers that look tokens up by their text (characters, words,
 * word pieces): id 0 is the unknown token, then the learnt tokens, then the special tokens.
 */
final class TokenTable {

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> specialTokens;

    /**
     * @param tokens the regular tokens by id, the unknown token first
     * @throws IllegalArgumentException if a token is empty or repeated
     */
    TokenTable(List<String> tokens, List<String> specialTokens) {
        this.tokens = List.copyOf(tokens);
        for (int id = 0; id < tokens.size(); id++) {
            String token = tokens.get(id);
            if (token.isEmpty() || ids.putIfAbsent(token, id) != null) {
                throw new IllegalArgumentException("token " + id + " '" + token + "' is empty or repeated");
            }
        }
        this.specialTokens = SpecialTokens.number(specialTokens, tokens.size());
    }

    /**
     * The unknown token, then the most frequent tokens (ties in text order) until the vocabulary,
     * special tokens included, has {@code vocabSize} ids.
     */
    static TokenTable mostFrequent(String unknown, Map<String, Long> counts, int vocabSize, List<String> specialTokens) {
        int room = vocabSize - 1 - specialTokens.size();
        if (room < 1) {
            throw new IllegalArgumentException("target vocabulary of " + vocabSize + " is too small: it needs "
                    + (2 + specialTokens.size()) + " at least (the unknown token, " + specialTokens.size()
                    + " special tokens and one learnt token)");
        }
        List<String> tokens = new ArrayList<>();
        tokens.add(unknown);
        counts.entrySet().stream()
                .filter(e -> !e.getKey().equals(unknown))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(room)
                .forEach(e -> tokens.add(e.getKey()));
        return new TokenTable(tokens, specialTokens);
    }

    /** The id of a regular token, 0 (unknown) if it is not in the vocabulary. */
    int id(String token) {
        return ids.getOrDefault(token, 0);
    }

    boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The text of a regular or special token. */
    String token(int id) {
        if (id >= 0 && id < tokens.size()) {
            return tokens.get(id);
        }
        for (var special : specialTokens.entrySet()) {
            if (special.getValue() == id) {
                return special.getKey();
            }
        }
        throw new IllegalArgumentException("token id " + id + " is not in the vocabulary [0, " + size() + ")");
    }

    /** The regular tokens by id, the unknown token first. */
    List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    int size() {
        return tokens.size() + specialTokens.size();
    }

    /** Adds "tokens" to a file being written. */
    void save(com.fasterxml.jackson.databind.node.ObjectNode root) {
        var array = root.putArray("tokens");
        tokens.forEach(array::add);
    }

    /** Reads "tokens" and "special"; special ids must follow the regular tokens in order. */
    static TokenTable fromFile(TokenizerFile.Fields fields) {
        Map<String, Integer> specials = fields.specialTokens();
        TokenTable table;
        try {
            table = new TokenTable(fields.strings("tokens", false), List.copyOf(specials.keySet()));
        } catch (IllegalArgumentException e) {
            throw fields.corrupt(e.getMessage());
        }
        if (table.tokens.isEmpty() || !table.specialTokens.equals(specials)) {
            throw fields.corrupt("the vocabulary is empty or its special tokens are not numbered right after it: " + specials);
        }
        return table;
    }
}
