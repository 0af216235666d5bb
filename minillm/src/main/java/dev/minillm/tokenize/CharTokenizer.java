package dev.minillm.tokenize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One token per character (Unicode code point), as in chapter 1's character n-grams.
 *
 * <p>The vocabulary is the characters seen in the training text, sorted, after the unknown token
 * {@value #UNKNOWN} (id 0); any other character encodes as id 0. Small vocabulary, long sequences,
 * and every new script or emoji is unknown: the reason for bytes and BPE.
 */
public final class CharTokenizer implements Tokenizer {

    /** Stands for every character not seen in training; decodes as itself. */
    public static final String UNKNOWN = "<unk>";

    private final TokenTable table;

    private CharTokenizer(TokenTable table) {
        this.table = table;
    }

    /**
     * The characters of the text, sorted by code point.
     *
     * @throws IllegalArgumentException if the text is empty
     */
    public static CharTokenizer train(String text, String... specialTokens) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no text to train on: the training text is empty");
        }
        var characters = new TreeSet<Integer>();
        text.codePoints().forEach(characters::add);
        List<String> tokens = new ArrayList<>();
        tokens.add(UNKNOWN);
        characters.forEach(cp -> tokens.add(Character.toString(cp)));
        return new CharTokenizer(new TokenTable(tokens, List.of(specialTokens)));
    }

    /** Reads a character tokenizer written by {@link #save}. */
    public static CharTokenizer load(Path file) {
        return fromFile(TokenizerFile.read(file, "char"));
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> table.id(Character.toString(cp))).toArray();
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

    /** False: characters not seen in training come back as {@value #UNKNOWN}. */
    @Override
    public boolean lossless() {
        return false;
    }

    /** Saves as JSON: {@code "tokens"} lists the characters by id, {@value #UNKNOWN} first. */
    @Override
    public Path save(Path file) {
        var root = TokenizerFile.start("char", table.specialTokens());
        table.save(root);
        return TokenizerFile.write(root, file);
    }

    static CharTokenizer fromFile(TokenizerFile.Fields fields) {
        var table = TokenTable.fromFile(fields);
        for (String token : table.tokens().subList(1, table.tokens().size())) {
            if (token.codePointCount(0, token.length()) != 1) {
                throw fields.corrupt("token '" + token + "' is not one character");
            }
        }
        return new CharTokenizer(table);
    }

    @Override
    public String toString() {
        return String.format("characters (%,d tokens)", vocabSize());
    }
}
