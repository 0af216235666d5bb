package dev.minillm.tokenize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WordPiece, BERT's tokenizer: words are cut into the longest pieces of the vocabulary, greedily
 * from the left; a piece that continues a word is written with the prefix {@value #CONTINUATION}.
 *
 * <pre>{@code
 * var wordPiece = WordPieceTokenizer.train(Corpus.english().text(), 2000);
 * wordPiece.tokens("The clockmaker!")   // [The, clock, ##m, ##aker, !]
 * }</pre>
 *
 * <p>Text is first cut into words at whitespace, with each punctuation mark and each Han character
 * a word of its own (BERT's basic tokenizer, without lower-casing). A word that cannot be spelt
 * with the pieces becomes {@value #UNKNOWN} as a whole. Decoding glues continuation pieces to the
 * piece before and puts one space between words, so spacing is not kept: WordPiece is lossy.
 * Training is in {@link WordPieceTrainer}.
 */
public final class WordPieceTokenizer implements Tokenizer {

    /** Stands for a word that the pieces cannot spell. */
    public static final String UNKNOWN = "[UNK]";
    /** Marks a piece that continues a word rather than starting one. */
    public static final String CONTINUATION = "##";
    /** Longer words are not even tried: they become {@value #UNKNOWN} (BERT's limit, too). */
    public static final int MAX_WORD_LENGTH = 100;

    /** A Han character, a run of letters, marks and digits, or one other non-space character. */
    static final Pattern WORD = Pattern.compile("\\p{IsHan}|[\\p{L}\\p{M}\\p{N}&&[^\\p{IsHan}]]+|[^\\s\\p{L}\\p{M}\\p{N}]",
            Pattern.UNICODE_CHARACTER_CLASS);

    private final TokenTable table;

    WordPieceTokenizer(TokenTable table) {
        this.table = table;
    }

    /**
     * Trains on a text; see {@link WordPieceTrainer#train}.
     *
     * @throws IllegalArgumentException if the text is empty or the vocabulary smaller than its alphabet
     */
    public static WordPieceTokenizer train(String text, int vocabSize, String... specialTokens) {
        return WordPieceTrainer.train(text, vocabSize, List.of(specialTokens));
    }

    /** Reads a WordPiece tokenizer written by {@link #save}. */
    public static WordPieceTokenizer load(Path file) {
        return fromFile(TokenizerFile.read(file, "wordpiece"));
    }

    /** The words of a text, before they are cut into pieces. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    @Override
    public int[] encode(String text) {
        var ids = new IntList();
        for (String word : words(text)) {
            ids.addAll(encodeWord(word));
        }
        return ids.toArray();
    }

    /** Greedy longest match first: the longest piece that starts the rest of the word, again and again. */
    int[] encodeWord(String word) {
        if (word.codePointCount(0, word.length()) > MAX_WORD_LENGTH) {
            return new int[] {0};
        }
        var ids = new IntList();
        int start = 0;
        while (start < word.length()) {
            int found = -1;
            int end = word.length();
            while (end > start) {
                String piece = (start > 0 ? CONTINUATION : "") + word.substring(start, end);
                if (table.contains(piece)) {
                    found = table.id(piece);
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                return new int[] {0}; // no piece fits here: the whole word is unknown
            }
            ids.add(found);
            start = end;
        }
        return ids.toArray();
    }

    /** The pieces joined: continuation pieces glued on, a space before every other one. */
    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        for (int id : ids) {
            String piece = table.token(id);
            if (piece.startsWith(CONTINUATION) && piece.length() > CONTINUATION.length()) {
                text.append(piece, CONTINUATION.length(), piece.length());
            } else {
                text.append(text.isEmpty() ? "" : " ").append(piece);
            }
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

    /** False: spacing is normalised and unspellable words become {@value #UNKNOWN}. */
    @Override
    public boolean lossless() {
        return false;
    }

    /** Saves as JSON: {@code "tokens"} lists the pieces by id, {@value #UNKNOWN} first. */
    @Override
    public Path save(Path file) {
        var root = TokenizerFile.start("wordpiece", table.specialTokens());
        table.save(root);
        return TokenizerFile.write(root, file);
    }

    static WordPieceTokenizer fromFile(TokenizerFile.Fields fields) {
        var table = TokenTable.fromFile(fields);
        if (!UNKNOWN.equals(table.tokens().getFirst())) {
            throw fields.corrupt("the first token must be " + UNKNOWN);
        }
        return new WordPieceTokenizer(table);
    }

    @Override
    public String toString() {
        return String.format("WordPiece (%,d tokens)", vocabSize());
    }
}
