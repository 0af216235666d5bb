package dev.minillm.tokenize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns text into a sequence of integer token ids and back: what a language model reads and writes.
 *
 * <p>Every tokenizer of the chapter implements this one interface, from the simplest (one id per
 * byte) to GPT-2's byte-level BPE:
 *
 * <pre>{@code
 * Tokenizer gpt2 = Gpt2.fromNodeModules().orElseThrow();
 * int[] ids = gpt2.encode("Hello, world!");   // [15496, 11, 995, 0]
 * gpt2.decode(ids);                            // "Hello, world!"
 * gpt2.tokens("Hello, world!");                // [Hello, ",", " world", "!"]: where the boundaries fall
 * Tokenizer mine = BpeTokenizer.train(Corpus.english().text(), 1024);
 * mine.tokens("Hello, world!");                // [H, ell, o, ",", " world", "!"]
 * }</pre>
 *
 * <p><b>Special tokens</b> (like GPT-2's {@code <|endoftext|>}) are ids with a meaning for the model
 * rather than for the text. {@link #encode(String)} never produces them: a special token's text
 * inside ordinary text is encoded as ordinary text, so untrusted input cannot inject one. Pass the
 * ones you want recognised to {@link #encode(String, Set)}.
 *
 * <p>Implementations are immutable (up to caches) and safe to use from several threads.
 */
public sealed interface Tokenizer
        permits ByteTokenizer, CharTokenizer, WordTokenizer, BpeTokenizer, WordPieceTokenizer, UnigramTokenizer {

    /** The ids of ordinary text; special tokens' text is treated as ordinary text. */
    int[] encode(String text);

    /**
     * The ids of text in which the listed special tokens are recognised (each becomes its one id);
     * the text between them is encoded with {@link #encode(String)}.
     *
     * @throws IllegalArgumentException if a listed token is not one of {@link #specialTokens()}
     */
    default int[] encode(String text, Set<String> allowedSpecial) {
        var out = new IntList();
        for (SpecialTokens.Segment segment : SpecialTokens.split(text, allowedSpecial, specialTokens())) {
            if (segment.specialId() >= 0) {
                out.add(segment.specialId());
            } else {
                out.addAll(encode(segment.text()));
            }
        }
        return out.toArray();
    }

    /**
     * The text of a sequence of ids (special tokens become their text).
     *
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    String decode(int[] ids);

    /** Number of ids this tokenizer can produce, special tokens included (ids are 0..vocabSize-1). */
    int vocabSize();

    /** The special tokens and their ids, in id order; empty when there are none. */
    Map<String, Integer> specialTokens();

    /**
     * One token as readable text: its characters, with bytes that are not a whole UTF-8 character
     * shown as {@code <0xE4>}.
     *
     * @throws IllegalArgumentException if the id is not in the vocabulary
     */
    String token(int id);

    /**
     * True when {@code decode(encode(s)).equals(s)} for every string of valid Unicode: no unknown
     * token, no normalisation.
     */
    boolean lossless();

    /** Writes the tokenizer to a JSON file (atomically: temp file, then move) and returns the path. */
    Path save(Path file);

    /**
     * Reads any tokenizer written by {@link #save(Path)}.
     *
     * @throws IllegalArgumentException if the file is missing, truncated or not a tokenizer file
     */
    static Tokenizer load(Path file) {
        return TokenizerFile.load(file);
    }

    /** The tokens of a text as readable strings ({@link #token(int)}): shows where the boundaries fall. */
    default List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (int id : encode(text)) {
            tokens.add(token(id));
        }
        return tokens;
    }

    /**
     * Encodes many documents at once, in parallel on all cores; the result is in input order and
     * equal to encoding each document with {@link #encode(String)}.
     */
    default List<int[]> encodeBatch(List<String> texts) {
        // A parallel stream over a list splits it into ranges, one per worker thread (ForkJoinPool).
        return texts.parallelStream().map(this::encode).toList();
    }
}
