package dev.minillm.tokenize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One token per word, number, run of whitespace, or other character, cut by a regular expression.
 *
 * <p>Every character of the text belongs to exactly one piece, so decoding is concatenation; but
 * the vocabulary must be capped, and every word outside it becomes {@value #UNKNOWN}: the
 * out-of-vocabulary problem that subword tokenizers solve. Chinese has no spaces, so each Han
 * character is a word of its own here.
 */
public final class WordTokenizer implements Tokenizer {

    /** Stands for every word not in the vocabulary; decodes as itself. */
    public static final String UNKNOWN = "<unk>";

    /** A Han character, a run of letters and marks, a run of digits, a run of whitespace, or any one other character. */
    public static final Pattern WORD = Pattern.compile(
            "\\p{IsHan}|[\\p{L}\\p{M}&&[^\\p{IsHan}]]+|\\p{N}+|\\s+|[^\\s\\p{L}\\p{M}\\p{N}]");

    private final TokenTable table;

    private WordTokenizer(TokenTable table) {
        this.table = table;
    }

    /**
     * The {@code vocabSize - 1 - specials} most frequent pieces of the text (ties alphabetical),
     * after {@value #UNKNOWN} (id 0).
     *
     * @throws IllegalArgumentException if the text is empty or the vocabulary too small to hold a word
     */
    public static WordTokenizer train(String text, int vocabSize, String... specialTokens) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no text to train on: the training text is empty");
        }
        Map<String, Long> counts = new HashMap<>();
        split(text).forEach(word -> counts.merge(word, 1L, Long::sum));
        return new WordTokenizer(TokenTable.mostFrequent(UNKNOWN, counts, vocabSize, List.of(specialTokens)));
    }

    /** Reads a word tokenizer written by {@link #save}. */
    public static WordTokenizer load(Path file) {
        return new WordTokenizer(TokenTable.fromFile(TokenizerFile.read(file, "word")));
    }

    /** The pieces of a text by {@link #WORD}; they concatenate back to the text. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    @Override
    public int[] encode(String text) {
        return split(text).stream().mapToInt(table::id).toArray();
    }

    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        for (int id : ids) {
            text.append(table.token(id));
        }
        return text.toString();
    }

    @Override
    public int vocabSize() {
        return table.size();
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return table.specialTokens();
    }

    @Override
    public String token(int id) {
        return table.token(id);
    }

    /** False: words outside the vocabulary come back as {@value #UNKNOWN}. */
    @Override
    public boolean lossless() {
        return false;
    }

    /** Saves as JSON: {@code "tokens"} lists the words by id, {@value #UNKNOWN} first. */
    @Override
    public Path save(Path file) {
        var root = TokenizerFile.start("word", table.specialTokens());
        table.save(root);
        return TokenizerFile.write(root, file);
    }

    static WordTokenizer fromFile(TokenizerFile.Fields fields) {
        return new WordTokenizer(TokenTable.fromFile(fields));
    }

    @Override
    public String toString() {
        return String.format("words (%,d tokens)", vocabSize());
    }
}
