package dev.minillm.tokenize;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Helpers for special tokens: checking a list of them, numbering them, and finding them in text. */
final class SpecialTokens {

    private SpecialTokens() {}

    /** A piece of text to encode: ordinary text ({@code specialId == -1}) or one special token. */
    record Segment(String text, int specialId) {}

    /**
     * The special tokens numbered from {@code firstId} on, in the given order.
     *
     * @throws IllegalArgumentException if one is empty or listed twice
     */
    static Map<String, Integer> number(Collection<String> specials, int firstId) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String special : specials) {
            if (special == null || special.isEmpty()) {
                throw new IllegalArgumentException("a special token cannot be empty: give each one some text, e.g. <|endoftext|>");
            }
            if (ids.putIfAbsent(special, firstId + ids.size()) != null) {
                throw new IllegalArgumentException("special token '" + special + "' is listed twice");
            }
        }
        return java.util.Collections.unmodifiableMap(ids);
    }

    /**
     * Cuts text at every occurrence of an allowed special token. At each position the longest
     * allowed token wins, so {@code <|a|>} and {@code <|a|>x} can both be special.
     */
    static List<Segment> split(String text, Set<String> allowed, Map<String, Integer> known) {
        for (String special : allowed) {
            if (!known.containsKey(special)) {
                throw new IllegalArgumentException("unknown special token '" + special + "': this tokenizer's special tokens are "
                        + (known.isEmpty() ? "none (give some when training or creating it)" : known.keySet()));
            }
        }
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String match = longestAt(text, i, allowed);
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                segments.add(new Segment(text.substring(start, i), -1));
            }
            segments.add(new Segment(match, known.get(match)));
            i += match.length();
            start = i;
        }
        if (start < text.length()) {
            segments.add(new Segment(text.substring(start), -1));
        }
        return segments;
    }

    private static String longestAt(String text, int at, Set<String> allowed) {
        String best = null;
        for (String special : allowed) {
            if (text.startsWith(special, at) && (best == null || special.length() > best.length())) {
                best = special;
            }
        }
        return best;
    }
}
