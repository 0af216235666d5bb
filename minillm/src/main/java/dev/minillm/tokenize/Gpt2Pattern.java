package dev.minillm.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenization: the text is first cut into chunks, and BPE merges only inside a chunk,
 * so a token never spans a word and the following space, or letters and digits.
 *
 * <p>A chunk is a contraction ({@code 's 't 're 've 'm 'll 'd}), or an optional space followed by a
 * run of letters, of digits, or of other marks, or a run of whitespace. A run of whitespace before
 * a word leaves its last space to the word, which is why GPT-2 has tokens like {@code " the"}:
 *
 * <pre>{@code
 * Gpt2Pattern.split("I'll  say 42!")   // [I, 'll, " ", " say", " 42", !]
 * }</pre>
 *
 * <p>Two implementations give the same chunks: {@link #splitPlain} runs the pattern with
 * {@code java.util.regex} (the readable reference), {@link #split} and {@link #forEachChunk} scan
 * the text by hand, several times faster, for the encoders. Both follow JavaScript's meaning of
 * {@code \s} (the GPT-2 JavaScript encoder is the reference), which differs from Java's: it
 * includes U+00A0, U+FEFF and the Unicode spaces, and excludes U+0085.
 */
public final class Gpt2Pattern {

    /** The pattern as GPT-2's {@code encoder.py} and the JavaScript port write it (JavaScript flags: gu). */
    public static final String REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** JavaScript's {@code \s}: ASCII tab to carriage return, space, the Unicode space separators, LS, PS and BOM. */
    private static final String JS_SPACE = "\\t\\n\\x0B\\f\\r\\x20\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

    /** {@link #REGEX} for {@code java.util.regex}, with {@code \s} spelled out as JavaScript means it. */
    public static final Pattern PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + JS_SPACE + "\\p{L}\\p{N}]+"
                    + "|[" + JS_SPACE + "]+(?![^" + JS_SPACE + "])|[" + JS_SPACE + "]+");

    /** Receives each chunk as char indices {@code [start, end)} into the text. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(int start, int end);
    }

    // The four kinds of character the pattern tells apart.
    private static final byte LETTER = 0;
    private static final byte NUMBER = 1;
    private static final byte SPACE = 2;
    private static final byte OTHER = 3;
    private static final byte[] ASCII_KIND = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_KIND[c] = kindSlowly(c);
        }
    }

    private Gpt2Pattern() {}

    /** The chunks of a text, by the hand-written scanner. */
    public static List<String> split(String text) {
        List<String> chunks = new ArrayList<>();
        forEachChunk(text, (start, end) -> chunks.add(text.substring(start, end)));
        return chunks;
    }

    /** The chunks of a text, by {@link #PATTERN}: the readable reference for {@link #split}. */
    public static List<String> splitPlain(String text) {
        List<String> chunks = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            chunks.add(m.group());
        }
        return chunks;
    }

    /** Calls {@code sink} for every chunk in order, without creating strings. */
    public static void forEachChunk(CharSequence text, ChunkSink sink) {
        int i = 0;
        while (i < text.length()) {
            int end = chunkEnd(text, i);
            sink.accept(i, end);
            i = end;
        }
    }

    /** Where the chunk starting at {@code i} ends: the alternatives of the pattern, tried in order. */
    static int chunkEnd(CharSequence s, int i) {
        int n = s.length();
        char c = s.charAt(i);
        // 's 't 're 've 'm 'll 'd
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'r' || d == 'v') && e == 'e' || d == 'l' && e == 'l') {
                    return i + 3;
                }
            }
        }
        //  ?\p{L}+   ?\p{N}+   ?[^\s\p{L}\p{N}]+  -- with the optional leading space
        if (c == ' ' && i + 1 < n) {
            int kind = kind(Character.codePointAt(s, i + 1));
            if (kind != SPACE) {
                return runEnd(s, i + 1, kind);
            }
        }
        // ... and without it
        int kind = kind(Character.codePointAt(s, i));
        if (kind != SPACE) {
            return runEnd(s, i, kind);
        }
        // \s+(?!\S) then \s+: a whitespace run, minus its last character when a non-space follows
        int end = runEnd(s, i, SPACE);
        if (end == n || end - 1 == i) {
            return end; // the run reaches the end of the text, or is a single character
        }
        return end - 1; // whitespace characters are all single chars, never surrogate pairs
    }

    /** The end of the run of characters of one kind starting at {@code i}. */
    private static int runEnd(CharSequence s, int i, int kind) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c < 128) { // fast path: ASCII needs no code point decoding
                if (ASCII_KIND[c] != kind) {
                    return i;
                }
                i++;
            } else {
                int cp = Character.codePointAt(s, i);
                if (kind(cp) != kind) {
                    return i;
                }
                i += Character.charCount(cp);
            }
        }
        return n;
    }

    private static int kind(int cp) {
        return cp < 128 ? ASCII_KIND[cp] : kindSlowly(cp);
    }

    private static byte kindSlowly(int cp) {
        if (isJavaScriptSpace(cp)) {
            return SPACE;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER; // punctuation, symbols, emoji, marks, controls, lone surrogates
        };
    }

    /** JavaScript's {@code \s}; see {@link #JS_SPACE}. */
    static boolean isJavaScriptSpace(int cp) {
        return cp >= 0x09 && cp <= 0x0D || cp == 0x20 || cp == 0xA0 || cp == 0x1680
                || cp >= 0x2000 && cp <= 0x200A || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
    }
}
