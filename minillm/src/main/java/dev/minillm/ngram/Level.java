package dev.minillm.ngram;

import dev.minillm.common.Corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How text is cut into tokens for an n-gram model: single characters, or words and punctuation. */
public enum Level {
    /** Every Unicode character (code point) is a token, spaces included. */
    CHAR,
    /** Words, numbers and punctuation marks; each Chinese character counts as a word. */
    WORD;

    /** A Han character, a word (letters, inner apostrophes), a number, or one other non-space mark. */
    private static final Pattern WORD_TOKEN =
            Pattern.compile("\\p{IsHan}|[\\p{L}\\p{M}&&[^\\p{IsHan}]]+(?:'[\\p{L}\\p{M}&&[^\\p{IsHan}]]+)*|\\p{N}+|\\S");
    /** Marks that attach to the word before them when words are joined back into text. */
    private static final Pattern ATTACHES_LEFT = Pattern.compile("[.,!?;:)\\]}'%，。！？；：、）”]");

    /** The tokens of one piece of text. */
    public List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        if (this == CHAR) {
            text.codePoints().forEach(cp -> tokens.add(Character.toString(cp)));
        } else {
            Matcher m = WORD_TOKEN.matcher(text);
            while (m.find()) {
                tokens.add(m.group());
            }
        }
        return tokens;
    }

    /** Tokens back into readable text: characters are concatenated, words spaced like prose. */
    public String join(List<String> tokens) {
        if (this == CHAR) {
            return String.join("", tokens);
        }
        StringBuilder text = new StringBuilder();
        String previous = null;
        for (String token : tokens) {
            boolean noSpace = previous == null || ATTACHES_LEFT.matcher(token).matches()
                    || previous.equals("(") || previous.equals("“") || isHan(previous) && isHan(token);
            text.append(noSpace ? "" : " ").append(token);
            previous = token;
        }
        return text.toString();
    }

    /**
     * The training sequences of a corpus: one per paragraph (paragraphs are separated by blank
     * lines; single line breaks inside a paragraph become spaces).
     */
    public List<List<String>> sequences(Corpus corpus) {
        List<List<String>> sequences = new ArrayList<>();
        for (String document : corpus.documents()) {
            for (String paragraph : document.split("\\n\\s*\\n")) {
                String line = paragraph.strip().replaceAll("\\s*\\n\\s*", " ");
                if (!line.isEmpty()) {
                    sequences.add(split(line));
                }
            }
        }
        return sequences;
    }

    private static boolean isHan(String token) {
        return token.codePoints().allMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }
}
