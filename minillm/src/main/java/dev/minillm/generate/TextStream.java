package dev.minillm.generate;

import dev.minillm.tokenize.Tokenizer;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a growing list of tokens into text pieces for streaming (流式输出), with two subtleties:
 * <ul>
 *   <li>A byte-level BPE token can end in the middle of a UTF-8 character (a Chinese character is 3
 *       bytes, and a token may hold only the first one). Decoding that alone gives U+FFFD, so text
 *       ending in U+FFFD is held back until the next token completes it.</li>
 *   <li>A stop string may arrive split over several tokens ("\n\n" as "\n" + "\n"). Text that could
 *       be the start of a stop string is held back until it is clear whether it is one.</li>
 * </ul>
 * It decodes all tokens so far at every step (O(n²) characters over a text of n tokens), which is
 * simple and plenty fast for texts of a few thousand tokens.
 */
final class TextStream {

    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final List<String> stopStrings;
    private final Consumer<String> sink;
    private int[] tokens = new int[0];
    private int emitted;       // characters of the text already passed to the sink
    private String text = "";
    private boolean stopped;

    TextStream(Tokenizer tokenizer, List<String> stopStrings, Consumer<String> sink) {
        this.tokenizer = tokenizer;
        this.stopStrings = stopStrings;
        this.sink = sink;
    }

    /** Adds a token; true when the text now contains a stop string (the text is cut before it). */
    boolean add(int token) {
        tokens = java.util.Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = token;
        text = tokenizer.decode(tokens);
        int cut = firstStop(text);
        if (cut >= 0) {
            text = text.substring(0, cut);
            emitUpTo(text.length());
            stopped = true;
            return true;
        }
        int safe = text.length();
        while (safe > emitted && text.charAt(safe - 1) == REPLACEMENT) {
            safe--;                                          // maybe an incomplete UTF-8 character
        }
        emitUpTo(safe - longestStopPrefixAtEnd(text.substring(0, safe)));
        return false;
    }

    /** Passes on everything held back (generation ended without a stop string). */
    void finish() {
        if (!stopped) {
            emitUpTo(text.length());
        }
    }

    /** The text so far (cut before a stop string once one appeared). */
    String text() {
        return text;
    }

    private void emitUpTo(int end) {
        if (end > emitted) {
            sink.accept(text.substring(emitted, end));
            emitted = end;
        }
    }

    private int firstStop(String s) {
        int first = -1;
        for (String stop : stopStrings) {
            int at = s.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** The length of the longest end of {@code s} that is the beginning of a stop string. */
    private int longestStopPrefixAtEnd(String s) {
        int longest = 0;
        for (String stop : stopStrings) {
            for (int n = Math.min(stop.length() - 1, s.length()); n > longest; n--) {
                if (s.endsWith(stop.substring(0, n))) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
