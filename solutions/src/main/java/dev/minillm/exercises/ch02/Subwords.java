package dev.minillm.exercises.ch02;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chapter 2 exercises: a complete byte-level BPE tokenizer in six static methods, then GPT-2's byte
 * alphabet, WordPiece's greedy longest match and the unigram model's Viterbi segmentation.
 *
 * <p>Token ids are {@code Integer}s. Ids 0 to 255 are the byte values (as in our trained BPE
 * tokenizers); merge number r, counting from 0, makes the new token 256 + r. A merge is written as
 * the pair {@code List.of(left, right)}, and a tokenizer's merges as a {@code List} of such pairs in
 * the order they were learnt: merges.get(r) makes token 256 + r. In the Javadoc, letters stand for
 * their byte ids: a = 97, b = 98, c = 99, space = 32.
 *
 * <p>Each method's Javadoc states the task, a worked example, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code SubwordsTest}). The reading is
 * {@code chapters/02-tokenization/README.md}.
 *
 * <p>Running example of exercises 4 to 6, Sennrich's: the chunks " low" ×5, " lower" ×2, " newest" ×6
 * and " widest" ×3. Its first merges are e s → 256 ("es"), 256 t → 257 ("est"), space l → 258,
 * o w → 259, 258 259 → 260 (" low").
 */
public final class Subwords {

    /** The WordPiece token for a word that the vocabulary cannot spell. */
    public static final String UNKNOWN = "[UNK]";
    /** The WordPiece prefix of a piece that continues a word. */
    public static final String CONTINUATION = "##";

    private Subwords() {
    }

    /**
     * Exercise 1: counts the pairs of adjacent token ids in a collection of chunks.
     *
     * <p>Each chunk is a list of ids and occurs as often as its count says; every adjacent pair
     * (ids[i], ids[i + 1]) of a chunk adds that count to the pair. Pairs may overlap: the chunk
     * [a, a, a] holds the pair (a, a) twice. Example: {[a, b, c]: 2, [b, c]: 1, [a, a, a]: 1} gives
     * (a, b): 2, (b, c): 3, (a, a): 2.
     *
     * <p>Edge cases: a chunk of fewer than two ids has no pairs; an empty map gives an empty map; a
     * count below 1 throws {@link IllegalArgumentException}.
     *
     * <p>Hint: key the result by {@code List.of(left, right)} and add with {@code Map.merge}.
     *
     * @param chunks each distinct chunk (its token ids) and how often it occurs
     * @return each pair that occurs, as {@code List.of(left, right)}, and its total count
     * @throws IllegalArgumentException if a count is below 1
     */
    public static Map<List<Integer>, Integer> countPairs(Map<List<Integer>, Integer> chunks) {
        Map<List<Integer>, Integer> pairs = new HashMap<>();
        for (var chunk : chunks.entrySet()) {
            int count = chunk.getValue();
            if (count < 1) {
                throw new IllegalArgumentException("chunk " + chunk.getKey() + " has count " + count + ": counts must be at least 1");
            }
            List<Integer> ids = chunk.getKey();
            for (int i = 0; i + 1 < ids.size(); i++) {
                pairs.merge(List.of(ids.get(i), ids.get(i + 1)), count, Integer::sum);
            }
        }
        return pairs;
    }

    /**
     * Exercise 2: the pair that BPE merges next: the most frequent one.
     *
     * <p>Ties go to the pair with the smaller left id, and then to the smaller right id, so that
     * training is deterministic (the library's {@code BpeTrainer} uses the same rule). Example:
     * {(b, c): 3, (a, b): 3, (a, a): 2} gives (a, b): 97 &lt; 98.
     *
     * <p>Edge cases: an empty map throws {@link IllegalArgumentException}.
     *
     * <p>Hint: one pass that keeps the best entry so far; or a stream with a {@code Comparator}
     * built from the count (reversed), then the left id, then the right id.
     *
     * @param pairCounts pairs {@code List.of(left, right)} and their counts, as from {@link #countPairs}
     * @return the pair to merge, {@code List.of(left, right)}
     * @throws IllegalArgumentException if there is no pair
     */
    public static List<Integer> mostFrequentPair(Map<List<Integer>, Integer> pairCounts) {
        if (pairCounts.isEmpty()) {
            throw new IllegalArgumentException("no pair to merge: every chunk is a single token");
        }
        Comparator<Map.Entry<List<Integer>, Integer>> order = Comparator
                .comparing((Map.Entry<List<Integer>, Integer> e) -> e.getValue()).reversed()
                .thenComparing(e -> e.getKey().get(0))
                .thenComparing(e -> e.getKey().get(1));
        return pairCounts.entrySet().stream().min(order).orElseThrow().getKey();
    }

    /**
     * Exercise 3: one merge step on one chunk: every occurrence of (left, right) becomes newId.
     *
     * <p>Scan from left to right; where {@code ids[i] == left} and {@code ids[i + 1] == right}, write
     * {@code newId} and skip both, else copy {@code ids[i]}. Occurrences therefore never overlap:
     * merging (a, a) in [a, a, a, b] gives [256, a, b], not [a, 256, b]. Example: merging (a, b) into
     * 256 in [a, b, c, a, b] gives [256, c, 256].
     *
     * <p>Edge cases: the input list is not changed (return a new list); a chunk without the pair,
     * and chunks of zero or one id, come back as equal copies.
     *
     * <p>Hint: an index loop with {@code i++} inside the if, or a {@code while} loop.
     *
     * @param ids   the chunk's token ids
     * @param left  the first id of the pair
     * @param right the second id of the pair
     * @param newId the id of the merged token
     * @return the chunk after the merge
     */
    public static List<Integer> merge(List<Integer> ids, int left, int right, int newId) {
        List<Integer> merged = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            if (i + 1 < ids.size() && ids.get(i) == left && ids.get(i + 1) == right) {
                merged.add(newId);
                i++; // the right half is used up: occurrences never overlap
            } else {
                merged.add(ids.get(i));
            }
        }
        return merged;
    }

    /**
     * Exercise 4: BPE training: learns up to {@code numMerges} merges from pre-tokenized text.
     *
     * <p>The chunks are the text already cut into pieces (for example by GPT-2's pattern), in order,
     * with repeats. Count each distinct chunk, written as its UTF-8 bytes, each byte as an id 0..255
     * ({@code b & 0xFF}, because Java's bytes are signed). Then repeat {@code numMerges} times: count
     * the pairs (exercise 1), pick the most frequent (exercise 2), give it the id 256 + r for the r-th
     * merge, and apply it to every chunk (exercise 3). Stop early when no chunk has a pair left.
     *
     * <p>Example (the running example): the first five merges are [101, 115] (e s, count 9),
     * [256, 116] (es t, count 9), [32, 108], [111, 119] and [258, 259] (" low").
     *
     * <p>Edge cases: {@code numMerges == 0} and an empty list give no merges; a negative
     * {@code numMerges} throws {@link IllegalArgumentException}.
     *
     * <p>Hint: keep a {@code Map<List<Integer>, Integer>} from chunk ids to count, and rebuild it
     * after each merge (two chunks never become equal, but a fresh map is simplest).
     *
     * @param chunks    the pre-tokenized text, one element per chunk, repeats included
     * @param numMerges how many merges to learn at most
     * @return the merges in the order learnt, each {@code List.of(left, right)}; merge r makes id 256 + r
     * @throws IllegalArgumentException if {@code numMerges < 0}
     */
    public static List<List<Integer>> trainMerges(List<String> chunks, int numMerges) {
        if (numMerges < 0) {
            throw new IllegalArgumentException("numMerges must be at least 0, got " + numMerges);
        }
        Map<List<Integer>, Integer> words = new HashMap<>();
        for (String chunk : chunks) {
            words.merge(byteIds(chunk), 1, Integer::sum);
        }
        List<List<Integer>> merges = new ArrayList<>();
        for (int rank = 0; rank < numMerges; rank++) {
            Map<List<Integer>, Integer> pairs = countPairs(words);
            if (pairs.isEmpty()) {
                break; // every chunk is a single token
            }
            List<Integer> best = mostFrequentPair(pairs);
            int token = 256 + rank;
            Map<List<Integer>, Integer> next = new HashMap<>();
            words.forEach((ids, count) -> next.merge(merge(ids, best.get(0), best.get(1), token), count, Integer::sum));
            words = next;
            merges.add(best);
        }
        return merges;
    }

    /**
     * Exercise 5: BPE encoding: replays the merges on a text, lowest rank first.
     *
     * <p>Write the text as UTF-8 byte ids. Then, as long as some adjacent pair has a merge, find the
     * pair whose merge has the lowest rank r (index in {@code merges}) and apply that merge to the
     * whole list, making id 256 + r (exercise 3). The text is one chunk: no pre-tokenization here.
     *
     * <p>Example with the running example's merges: " lowest" is [32, 108, 111, 119, 101, 115, 116];
     * the merges e s (rank 0), es t (1), space l (2), o w (3), " l" ow (4) turn it into [260, 257],
     * " low" + "est". Rank order matters: with merges [b c, a b], "abc" becomes [97, 256], because
     * b c has rank 0, although a b comes first in the text.
     *
     * <p>Edge cases: the empty text gives an empty list; a text whose pairs have no merges gives its
     * bytes ("你" is [228, 189, 160] when no merge joins them).
     *
     * <p>Hint: a {@code Map<List<Integer>, Integer>} from pair to rank makes each lookup cheap.
     *
     * @param text   the text to encode
     * @param merges the merges in rank order; merges.get(r) makes id 256 + r
     * @return the token ids
     */
    public static List<Integer> encode(String text, List<List<Integer>> merges) {
        Map<List<Integer>, Integer> rankOf = new HashMap<>();
        for (int rank = 0; rank < merges.size(); rank++) {
            rankOf.putIfAbsent(merges.get(rank), rank);
        }
        List<Integer> ids = byteIds(text);
        while (ids.size() >= 2) {
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < ids.size(); i++) {
                Integer rank = rankOf.get(List.of(ids.get(i), ids.get(i + 1)));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                }
            }
            if (bestRank == Integer.MAX_VALUE) {
                break; // no adjacent pair has a merge
            }
            List<Integer> pair = merges.get(bestRank);
            ids = merge(ids, pair.get(0), pair.get(1), 256 + bestRank);
        }
        return ids;
    }

    /**
     * Exercise 6: BPE decoding: ids to bytes to text.
     *
     * <p>Id b &lt; 256 is the byte b; id 256 + r is the bytes of merges.get(r)'s left token followed by
     * those of its right token (which may themselves be merged tokens). Concatenate the bytes of all
     * ids and read them as UTF-8. Ids can cut a character in two, so the bytes need not be valid
     * UTF-8: each broken sequence becomes the replacement character U+FFFD. Example: with the running
     * example's merges, [260, 257] decodes to " lowest"; [228, 189, 160] to "你"; [228, 189] alone to
     * "\uFFFD"; [228, 189, 65] to "\uFFFDA".
     *
     * <p>Edge cases: an empty list gives ""; an id below 0 or at least 256 + merges.size() throws
     * {@link IllegalArgumentException} naming the id.
     *
     * <p>Hint: a recursive helper for a token's bytes, a {@code ByteArrayOutputStream}, and
     * {@code new String(bytes, StandardCharsets.UTF_8)}, which already replaces broken sequences.
     *
     * @param ids    the token ids
     * @param merges the merges in rank order; merges.get(r) makes id 256 + r
     * @return the text
     * @throws IllegalArgumentException if an id is not in the vocabulary
     */
    public static String decode(List<Integer> ids, List<List<Integer>> merges) {
        var bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= 256 + merges.size()) {
                throw new IllegalArgumentException("token id " + id + " is not in the vocabulary [0, " + (256 + merges.size()) + ")");
            }
            writeBytes(id, merges, bytes);
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    /**
     * Exercise 7: GPT-2's printable stand-in character for each of the 256 byte values.
     *
     * <p>The 188 bytes that are printable Latin-1 characters, {@code '!'..'~'} (33 to 126),
     * {@code '¡'..'¬'} (161 to 172) and {@code '®'..'ÿ'} (174 to 255), stand for themselves. The
     * other 68 bytes, in increasing order, get the characters 256, 257, 258, ...: byte 0 is
     * {@code 'Ā'} (U+0100), byte 10 (newline) is {@code 'Ċ'} (U+010A), byte 32 (space) is {@code 'Ġ'}
     * (U+0120), which is why GPT-2's files write the token " the" as {@code Ġthe}.
     *
     * <p>Edge cases: none; all 256 characters must be different.
     *
     * <p>Hint: one loop over the bytes with a counter of the bytes moved so far.
     *
     * @return an array of 256 characters; element b stands for byte b
     */
    public static char[] byteToUnicode() {
        char[] chars = new char[256];
        int moved = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= '\u00A1' && b <= '\u00AC' || b >= '\u00AE' && b <= '\u00FF';
            chars[b] = printable ? (char) b : (char) (256 + moved++);
        }
        return chars;
    }

    /**
     * Exercise 8: WordPiece encoding of one word: greedy longest match first.
     *
     * <p>At the start of the word, take the longest prefix that is in the vocabulary; then, from where
     * it ends, the longest piece that is in the vocabulary <em>with</em> the prefix {@code "##"}, and
     * so on to the end. If at some position no piece fits, the whole word is {@code [UNK]}: the result
     * is {@code List.of("[UNK]")}, not a partial list. Example (BERT's): with the vocabulary {un, ##aff,
     * ##able, able, a}, "unaffable" gives [un, ##aff, ##able].
     *
     * <p>Greedy is not always best: with {ab, a, ##bc}, "abc" takes "ab" first, then finds no "##c",
     * and gives [UNK], although [a, ##bc] would have spelt it.
     *
     * <p>Edge cases: the empty word gives an empty list. Count characters as code points, so an emoji
     * is never cut in half ({@code word.offsetByCodePoints} helps); the tests use plain letters.
     *
     * <p>Hint: two nested loops: the outer over the start position, the inner shrinking the end
     * from the end of the word until the piece is found.
     *
     * @param word       one word, without spaces
     * @param vocabulary the pieces: word starts as themselves, continuations with {@code "##"}
     * @return the pieces, or {@code [UNK]} alone
     */
    public static List<String> wordPiece(String word, Set<String> vocabulary) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            String found = null;
            int end = word.length();
            while (end > start) {
                String piece = (start > 0 ? CONTINUATION : "") + word.substring(start, end);
                if (vocabulary.contains(piece)) {
                    found = piece;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                return List.of(UNKNOWN); // no piece fits here: the whole word is unknown
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    /**
     * Exercise 9: the most probable segmentation of a text under a unigram model (Viterbi).
     *
     * <p>A segmentation cuts the text into pieces that are all keys of {@code logProbabilities}; its
     * score is the sum of their log-probabilities. Return the segmentation with the highest score.
     * Dynamic programming over the positions 0..n between characters: best[0] = 0, and
     * best[j] = max over i &lt; j with text[i, j) a piece of best[i] + log p(text[i, j)), remembering
     * for each j the start i of the piece that gave the maximum; then walk back from n.
     *
     * <p>Example: with p(天) = 0.1, p(安) = 0.05, p(门) = 0.05, p(天安) = 0.01, p(安门) = 0.02 and
     * p(天安门) = 0.005 (as logs), "天安门" gives [天安门] (0.005 beats 0.1·0.02 = 0.002); with
     * p(天安门) = 0.001 instead it gives [天, 安门].
     *
     * <p>Edge cases: the empty text gives an empty list; a text that cannot be spelt with the pieces
     * throws {@link IllegalArgumentException}. Ties: try the starts i from 0 upwards and replace the
     * best only when strictly better. Positions are {@code char} indices (the tests use no emoji).
     *
     * <p>Hint: {@code double[] best} filled with {@code Double.NEGATIVE_INFINITY} except best[0], and
     * {@code int[] from}; build the answer backwards and reverse it.
     *
     * @param text             the text to segment
     * @param logProbabilities each piece and its log-probability (negative, or 0)
     * @return the pieces of the best segmentation, in order
     * @throws IllegalArgumentException if no segmentation exists
     */
    public static List<String> viterbi(String text, Map<String, Double> logProbabilities) {
        int n = text.length();
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        best[0] = 0;
        for (int end = 1; end <= n; end++) {
            for (int start = 0; start < end; start++) {
                Double logP = logProbabilities.get(text.substring(start, end));
                if (logP != null && best[start] + logP > best[end]) {
                    best[end] = best[start] + logP;
                    from[end] = start;
                }
            }
        }
        if (best[n] == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("'" + text + "' cannot be spelt with the pieces given");
        }
        List<String> pieces = new ArrayList<>();
        for (int end = n; end > 0; end = from[end]) {
            pieces.add(text.substring(from[end], end));
        }
        Collections.reverse(pieces);
        return pieces;
    }

    /** The UTF-8 bytes of a text as ids 0..255. */
    private static List<Integer> byteIds(String text) {
        List<Integer> ids = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            ids.add(b & 0xFF); // Java's bytes are signed: (byte) 0xE4 is -28
        }
        return ids;
    }

    /** Writes the bytes of one token: a byte, or the bytes of the two tokens its merge joined. */
    private static void writeBytes(int id, List<List<Integer>> merges, ByteArrayOutputStream out) {
        if (id < 256) {
            out.write(id);
        } else {
            List<Integer> pair = merges.get(id - 256);
            writeBytes(pair.get(0), merges, out);
            writeBytes(pair.get(1), merges, out);
        }
    }
}
