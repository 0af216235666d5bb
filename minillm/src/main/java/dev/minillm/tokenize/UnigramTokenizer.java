package dev.minillm.tokenize;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unigram language-model tokenizer of SentencePiece (Kudo 2018), used by T5, ALBERT and many
 * multilingual models.
 *
 * <p>Each piece has a score, the log of its probability; a text is cut into the pieces whose
 * scores add up to the most (Viterbi search on a {@link Lattice}). Whitespace is not thrown
 * away but kept as the visible symbol {@value #SPACE}, so pieces look like {@code ▁the} and
 * decoding turns every {@value #SPACE} back into a space:
 *
 * <pre>{@code
 * var unigram = UnigramTokenizer.train(Corpus.english().text(), 2000);
 * unigram.tokens("the cat sat")   // [th, e, ▁cat, ▁sat]: no ▁ before the first word
 * }</pre>
 *
 * <p>Ids 0..255 are byte pieces {@code <0x00>..<0xFF>}: a character without a piece of its own is
 * written as its UTF-8 bytes (<em>byte fallback</em>), so nothing is unknown and decoding gives the
 * text back exactly. (SentencePiece also adds a {@value #SPACE} in front of the text and normalises
 * Unicode; we do neither, so the round trip is exact.) A literal {@value #SPACE} in the text is
 * written as bytes, to tell it from a space. Training is in {@link UnigramTrainer}.
 */
public final class UnigramTokenizer implements Tokenizer {

    /** The piece character that stands for a space (U+2581, LOWER ONE EIGHTH BLOCK). */
    public static final char SPACE = '\u2581';
    /** Byte pieces come first: id b is the byte b. */
    static final int BYTES = 256;
    /** Unknown characters cost this much more than the rarest piece, so pieces are preferred (as in SentencePiece). */
    private static final double UNKNOWN_PENALTY = 10;

    private final List<String> pieces;
    private final double[] scores;
    private final Map<String, Integer> pieceIndex = new HashMap<>();
    private final int maxPieceLength;
    private final double unknownScore;
    private final Map<String, Integer> specialTokens;
    private final Map<Integer, String> specialText = new HashMap<>();

    /**
     * @param pieces the pieces, best first; piece i gets id 256 + i
     * @param scores their log-probabilities
     * @throws IllegalArgumentException if a piece is empty, repeated, contains a character no piece may, or a score is not finite
     */
    UnigramTokenizer(List<String> pieces, double[] scores, List<String> specialTokens) {
        if (pieces.size() != scores.length) {
            throw new IllegalArgumentException(pieces.size() + " pieces but " + scores.length + " scores");
        }
        this.pieces = List.copyOf(pieces);
        this.scores = scores.clone();
        int longest = 1;
        double worst = 0;
        for (int i = 0; i < pieces.size(); i++) {
            String piece = pieces.get(i);
            if (piece.isEmpty() || pieceIndex.putIfAbsent(piece, i) != null) {
                throw new IllegalArgumentException("piece " + i + " '" + piece + "' is empty or repeated");
            }
            if (piece.indexOf(SPACE, 1) > 0 || !Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("piece " + i + " '" + piece + "' has " + SPACE
                        + " inside it (only at its start is allowed) or a score that is not a number: " + scores[i]);
            }
            longest = Math.max(longest, piece.codePointCount(0, piece.length()));
            worst = Math.min(worst, scores[i]);
        }
        this.maxPieceLength = longest;
        this.unknownScore = worst - UNKNOWN_PENALTY;
        this.specialTokens = SpecialTokens.number(specialTokens, BYTES + pieces.size());
        this.specialTokens.forEach((text, id) -> specialText.put(id, text));
    }

    /** Trains on a text with the defaults of {@link UnigramTrainer.Config#of}. */
    public static UnigramTokenizer train(String text, int vocabSize, String... specialTokens) {
        return UnigramTrainer.train(text, UnigramTrainer.Config.of(vocabSize, specialTokens));
    }

    /** Reads a unigram tokenizer written by {@link #save}. */
    public static UnigramTokenizer load(Path file) {
        return fromFile(TokenizerFile.read(file, "unigram"));
    }

    /**
     * The text as code points for the lattice: a space becomes {@value #SPACE}, and a literal
     * {@value #SPACE} becomes -1, a character no piece contains.
     */
    static int[] normalize(String text) {
        return text.codePoints().map(cp -> cp == ' ' ? SPACE : cp == SPACE ? -1 : cp).toArray();
    }

    /** The character that a normalised code point came from. */
    private static int original(int cp) {
        return cp == SPACE ? ' ' : cp < 0 ? SPACE : cp;
    }

    /**
     * Words are cut before each {@value #SPACE}: pieces have it only at their start, so no piece
     * spans two words, and each word gets its own small lattice.
     */
    static List<int[]> wordBounds(int[] codePoints) {
        List<int[]> bounds = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= codePoints.length; i++) {
            if (i == codePoints.length || codePoints[i] == SPACE) {
                bounds.add(new int[] {start, i});
                start = i;
            }
        }
        return codePoints.length == 0 ? List.of() : bounds;
    }

    @Override
    public int[] encode(String text) {
        int[] codePoints = normalize(text);
        var ids = new IntList();
        for (int[] word : wordBounds(codePoints)) {
            var lattice = new Lattice(codePoints, word[0], word[1], pieceIndex, maxPieceLength, -1);
            for (Lattice.Edge edge : lattice.viterbi(scores, unknownScore)) {
                if (edge.piece() >= 0) {
                    ids.add(BYTES + edge.piece());
                } else { // byte fallback
                    int cp = original(codePoints[word[0] + edge.begin()]);
                    for (byte b : Utf8.encode(Character.toString(cp))) {
                        ids.add(b & 0xFF);
                    }
                }
            }
        }
        return ids.toArray();
    }

    /** Pieces with {@value #SPACE} as spaces; runs of byte pieces as UTF-8 (invalid bytes become U+FFFD). */
    @Override
    public String decode(int[] ids) {
        var text = new StringBuilder();
        var bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            checkId(id);
            if (id < BYTES) {
                bytes.write(id);
                continue;
            }
            if (bytes.size() > 0) {
                text.append(Utf8.decode(bytes.toByteArray()));
                bytes.reset();
            }
            String special = specialText.get(id);
            text.append(special != null ? special : pieces.get(id - BYTES).replace(SPACE, ' '));
        }
        text.append(Utf8.decode(bytes.toByteArray()));
        return text.toString();
    }

    @Override
    public int vocabSize() {
        return BYTES + pieces.size() + specialTokens.size();
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /** A piece as it is stored ({@code ▁the}), a byte piece as {@code <0xE4>}, or a special token. */
    @Override
    public String token(int id) {
        checkId(id);
        if (id < BYTES) {
            return String.format("<0x%02X>", id);
        }
        String special = specialText.get(id);
        return special != null ? special : pieces.get(id - BYTES);
    }

    /**
     * The score of a piece: the log of its probability under the unigram model.
     *
     * @throws IllegalArgumentException if the id is a byte piece or special token, which have no score
     */
    public double score(int id) {
        checkId(id);
        if (id < BYTES || id >= BYTES + pieces.size()) {
            throw new IllegalArgumentException("token " + id + " is a byte piece or special token: only pieces have scores");
        }
        return scores[id - BYTES];
    }

    /** The pieces by id (the first is id 256), best score first. */
    public List<String> pieces() {
        return Collections.unmodifiableList(pieces);
    }

    /** True: byte fallback spells every character, and nothing is normalised. */
    @Override
    public boolean lossless() {
        return true;
    }

    /**
     * Saves as JSON: {@code "pieces"} lists {@code [piece, score]} pairs in id order from 256; the
     * byte pieces 0..255 are implied.
     */
    @Override
    public Path save(Path file) {
        var root = TokenizerFile.start("unigram", specialTokens);
        var array = root.putArray("pieces");
        for (int i = 0; i < pieces.size(); i++) {
            array.addArray().add(pieces.get(i)).add(scores[i]);
        }
        return TokenizerFile.write(root, file);
    }

    static UnigramTokenizer fromFile(TokenizerFile.Fields fields) {
        List<String> pieces = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (JsonNode entry : fields.array("pieces")) {
            if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                throw fields.corrupt("piece " + pieces.size() + " is not a [text, score] pair: " + entry);
            }
            pieces.add(entry.get(0).asText());
            scores.add(entry.get(1).asDouble());
        }
        Map<String, Integer> specials = fields.specialTokens();
        UnigramTokenizer tokenizer;
        try {
            tokenizer = new UnigramTokenizer(pieces, scores.stream().mapToDouble(Double::doubleValue).toArray(),
                    List.copyOf(specials.keySet()));
        } catch (IllegalArgumentException e) {
            throw fields.corrupt(e.getMessage());
        }
        if (!tokenizer.specialTokens.equals(specials)) {
            throw fields.corrupt("special tokens must be numbered right after the pieces: " + specials);
        }
        return tokenizer;
    }

    @Override
    public String toString() {
        return String.format("unigram (%,d tokens)", vocabSize());
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary [0, " + vocabSize() + ")");
        }
    }
}
