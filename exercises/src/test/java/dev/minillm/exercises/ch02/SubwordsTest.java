package dev.minillm.exercises.ch02;

import dev.minillm.common.Corpus;
import dev.minillm.grading.Points;
import dev.minillm.tokenize.BpeTrainer;
import dev.minillm.tokenize.ByteLevel;
import dev.minillm.tokenize.Gpt2Pattern;
import dev.minillm.tokenize.Utf8;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graded tests of Chapter 2's exercises, in {@link Subwords}. The expected values are worked out by
 * hand in comments; letters stand for their byte ids (a = 97, b = 98, c = 99, space = 32).
 */
@DisplayName("Chapter 2: tokenization")
class SubwordsTest {

    private static final int A = 'a';
    private static final int B = 'b';
    private static final int C = 'c';

    /** Sennrich's example as GPT-2-style chunks: " low" ×5, " lower" ×2, " newest" ×6, " widest" ×3. */
    private static final List<String> TOY = toyChunks();

    /** Its first ten merges, as chapter 2 of the reading traces them. */
    private static final List<List<Integer>> TOY_MERGES = List.of(
            List.of(101, 115),   // 256 "es", count 9 (newest 6 + widest 3); ties with "st", e < s
            List.of(256, 116),   // 257 "est", 9
            List.of(32, 108),    // 258 " l", 7 (low 5 + lower 2); ties with "lo" and "ow", space < l < o
            List.of(111, 119),   // 259 "ow", 7
            List.of(258, 259),   // 260 " low", 7
            List.of(32, 110),    // 261 " n", 6; ties with "ne", "ew", "w est"
            List.of(101, 119),   // 262 "ew", 6
            List.of(261, 262),   // 263 " new", 6
            List.of(263, 257),   // 264 " newest", 6
            List.of(32, 119));   // 265 " w", 3

    private static List<String> toyChunks() {
        List<String> chunks = new ArrayList<>();
        chunks.addAll(Collections.nCopies(5, " low"));
        chunks.addAll(Collections.nCopies(2, " lower"));
        chunks.addAll(Collections.nCopies(6, " newest"));
        chunks.addAll(Collections.nCopies(3, " widest"));
        return chunks;
    }

    private static List<Integer> bytes(String text) {
        List<Integer> ids = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            ids.add(b & 0xFF);
        }
        return ids;
    }

    // ---------------------------------------------------------------- Exercise 1: countPairs

    @Test
    @Points(2)
    @DisplayName("1. countPairs adds each chunk's count to each of its adjacent pairs")
    void countsPairsWeightedByChunkCount() {
        // [a, b, c] x2: (a, b) +2, (b, c) +2; [b, c] x1: (b, c) +1.
        assertThat(Subwords.countPairs(Map.of(List.of(A, B, C), 2, List.of(B, C), 1))).isEqualTo(Map.of(
                List.of(A, B), 2,
                List.of(B, C), 3));
        // " low" x5 and " lower" x2 share " l", "lo", "ow".
        assertThat(Subwords.countPairs(Map.of(bytes(" low"), 5, bytes(" lower"), 2))).isEqualTo(Map.of(
                List.of(32, 108), 7, List.of(108, 111), 7, List.of(111, 119), 7,
                List.of(119, 101), 2, List.of(101, 114), 2));
    }

    @Test
    @Points(1)
    @DisplayName("1. countPairs counts overlapping pairs: [a, a, a, a] holds (a, a) three times")
    void countsOverlappingPairs() {
        assertThat(Subwords.countPairs(Map.of(List.of(A, A, A, A), 1))).isEqualTo(Map.of(List.of(A, A), 3));
        // The Javadoc's example: {[a, b, c]: 2, [b, c]: 1, [a, a, a]: 1}.
        assertThat(Subwords.countPairs(Map.of(List.of(A, B, C), 2, List.of(B, C), 1, List.of(A, A, A), 1)))
                .isEqualTo(Map.of(List.of(A, B), 2, List.of(B, C), 3, List.of(A, A), 2));
    }

    @Test
    @Points(1)
    @DisplayName("1. countPairs: no pairs in short chunks or an empty map; a count below 1 is rejected")
    void countPairsEdgeCases() {
        assertThat(Subwords.countPairs(Map.of())).isEmpty();
        assertThat(Subwords.countPairs(Map.of(List.of(A), 4, List.of(), 1))).isEmpty();
        assertThatThrownBy(() -> Subwords.countPairs(Map.of(List.of(A, B), 0)))
                .as("a chunk that occurs 0 times is a mistake").isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 2: mostFrequentPair

    @Test
    @Points(1)
    @DisplayName("2. mostFrequentPair picks the pair with the largest count")
    void picksTheMostFrequentPair() {
        assertThat(Subwords.mostFrequentPair(Map.of(List.of(A, B), 2, List.of(B, C), 3, List.of(A, A), 1)))
                .isEqualTo(List.of(B, C));
        assertThat(Subwords.mostFrequentPair(Map.of(List.of(300, 5), 1))).isEqualTo(List.of(300, 5));
    }

    @Test
    @Points(1)
    @DisplayName("2. mostFrequentPair breaks ties by the smaller left id, then the smaller right id")
    void breaksTies() {
        // Three pairs with count 3: (b, c), (a, c), (a, b). Smallest left is a; of (a, b), (a, c), b < c.
        assertThat(Subwords.mostFrequentPair(Map.of(List.of(B, C), 3, List.of(A, C), 3, List.of(A, B), 3, List.of(A, A), 2)))
                .isEqualTo(List.of(A, B));
        // Ids above 255 compare as numbers: 99 < 256.
        assertThat(Subwords.mostFrequentPair(Map.of(List.of(256, 1), 4, List.of(C, 300), 4))).isEqualTo(List.of(C, 300));
    }

    @Test
    @Points(1)
    @DisplayName("2. mostFrequentPair rejects an empty map")
    void mostFrequentPairOfNothing() {
        assertThatThrownBy(() -> Subwords.mostFrequentPair(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 3: merge

    @Test
    @Points(2)
    @DisplayName("3. merge replaces every occurrence of the pair by the new id")
    void mergesEveryOccurrence() {
        // [a, b, c, a, b] with (a, b) -> 256: [256, c, 256]
        assertThat(Subwords.merge(List.of(A, B, C, A, B), A, B, 256)).isEqualTo(List.of(256, C, 256));
        // " newest" after merges 0 and 1: [32, n, e, w, 257]; merging (e, w) -> 262 gives [32, n, 262, 257].
        assertThat(Subwords.merge(List.of(32, 110, 101, 119, 257), 101, 119, 262)).isEqualTo(List.of(32, 110, 262, 257));
        // Order matters: (b, a) is not (a, b).
        assertThat(Subwords.merge(List.of(B, A, B), A, B, 256)).isEqualTo(List.of(B, 256));
    }

    @Test
    @Points(1)
    @DisplayName("3. merge scans left to right without overlaps: (a, a) in [a, a, a, b] gives [256, a, b]")
    void mergesWithoutOverlaps() {
        assertThat(Subwords.merge(List.of(A, A, A, B), A, A, 256)).isEqualTo(List.of(256, A, B));
        assertThat(Subwords.merge(List.of(A, A, A, A), A, A, 256)).isEqualTo(List.of(256, 256));
    }

    @Test
    @Points(1)
    @DisplayName("3. merge leaves its input alone and copies chunks without the pair")
    void mergeEdgeCases() {
        List<Integer> input = new ArrayList<>(List.of(A, B, A));
        assertThat(Subwords.merge(input, A, B, 256)).isEqualTo(List.of(256, A));
        assertThat(input).as("the input list must not change").isEqualTo(List.of(A, B, A));
        assertThat(Subwords.merge(List.of(A, C), A, B, 256)).isEqualTo(List.of(A, C));
        assertThat(Subwords.merge(List.of(A), A, B, 256)).isEqualTo(List.of(A));
        assertThat(Subwords.merge(List.of(), A, B, 256)).isEmpty();
    }

    // ---------------------------------------------------------------- Exercise 4: trainMerges

    @Test
    @Points(3)
    @DisplayName("4. trainMerges learns the running example's ten merges, as traced in the reading")
    void learnsTheToyMerges() {
        assertThat(Subwords.trainMerges(TOY, 10)).isEqualTo(TOY_MERGES);
        assertThat(Subwords.trainMerges(TOY, 3)).isEqualTo(TOY_MERGES.subList(0, 3));
    }

    @Test
    @Points(1)
    @DisplayName("4. trainMerges stops when every chunk is one token, and rejects a negative number of merges")
    void trainingStopsEarly() {
        // "ab" x3 and "c": one pair, (a, b); after merging it nothing is left to merge.
        assertThat(Subwords.trainMerges(List.of("ab", "c", "ab", "ab"), 5)).isEqualTo(List.of(List.of(A, B)));
        // "abc": (a, b) and (b, c) tie at 1, a < b; then (256, c).
        assertThat(Subwords.trainMerges(List.of("abc"), 10)).isEqualTo(List.of(List.of(A, B), List.of(256, C)));
        assertThat(Subwords.trainMerges(TOY, 0)).isEmpty();
        assertThat(Subwords.trainMerges(List.of(), 4)).isEmpty();
        assertThatThrownBy(() -> Subwords.trainMerges(TOY, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(1)
    @DisplayName("4. trainMerges learns the same merges as the library's BpeTrainer, Chinese bytes included")
    void sameMergesAsTheLibrary() {
        String text = Corpus.english().documents().get(0).substring(0, 3000) + "\n\n" + Corpus.chinese().documents().get(0);
        List<List<Integer>> expected = new ArrayList<>();
        for (BpeTrainer.Step step : BpeTrainer.train(text, 256 + 60, List.of()).trace()) {
            expected.add(List.of(step.left(), step.right()));
        }
        assertThat(Subwords.trainMerges(Gpt2Pattern.split(text), 60)).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- Exercise 5: encode

    @Test
    @Points(3)
    @DisplayName("5. encode replays the running example's merges: \" lowest\" is \" low\" + \"est\"")
    void encodesWithTheToyMerges() {
        // es (0), est (1), " l" (2), ow (3), " low" (4): [260, 257]
        assertThat(Subwords.encode(" lowest", TOY_MERGES)).isEqualTo(List.of(260, 257));
        // " n" (5), ew (6), " new" (7); "er" has no merge.
        assertThat(Subwords.encode(" newer", TOY_MERGES)).isEqualTo(List.of(263, 101, 114));
        // A whole training word is one token.
        assertThat(Subwords.encode(" newest", TOY_MERGES)).isEqualTo(List.of(264));
        assertThat(Subwords.encode(" wider", TOY_MERGES)).isEqualTo(List.of(265, 105, 100, 101, 114));
    }

    @Test
    @Points(2)
    @DisplayName("5. encode applies the lowest rank first, wherever it is in the text")
    void encodesByRankNotByPosition() {
        // merges: (b, c) -> 256 has rank 0, (a, b) -> 257 rank 1. "abc": b c goes first, then (a, 256) has no merge.
        List<List<Integer>> merges = List.of(List.of(B, C), List.of(A, B));
        assertThat(Subwords.encode("abc", merges)).isEqualTo(List.of(A, 256));
        // "abab": (a, b) is the only pair with a merge, applied to both occurrences: [257, 257].
        assertThat(Subwords.encode("abab", merges)).isEqualTo(List.of(257, 257));
        // Merges build on merges: (a, a) -> 256, (256, 256) -> 257. "aaaaa" -> [256, 256, a] -> [257, a].
        assertThat(Subwords.encode("aaaaa", List.of(List.of(A, A), List.of(256, 256)))).isEqualTo(List.of(257, A));
    }

    @Test
    @Points(1)
    @DisplayName("5. encode: the empty text, no merges, and multi-byte characters as their UTF-8 bytes")
    void encodeEdgeCases() {
        assertThat(Subwords.encode("", TOY_MERGES)).isEmpty();
        assertThat(Subwords.encode("xyz", List.of())).isEqualTo(List.of(120, 121, 122));
        assertThat(Subwords.encode("你", TOY_MERGES)).isEqualTo(List.of(228, 189, 160));
        // (E4, BD) -> 256: "你" becomes [256, 160].
        assertThat(Subwords.encode("你", List.of(List.of(228, 189)))).isEqualTo(List.of(256, 160));
    }

    // ---------------------------------------------------------------- Exercise 6: decode

    @Test
    @Points(2)
    @DisplayName("6. decode expands merged tokens to their bytes and reads them as UTF-8")
    void decodesMergedTokens() {
        // 260 = 258 259 = (32 108) (111 119); 257 = 256 116 = (101 115) 116.
        assertThat(Subwords.decode(List.of(260, 257), TOY_MERGES)).isEqualTo(" lowest");
        assertThat(Subwords.decode(List.of(264, 265, 105, 100, 257), TOY_MERGES)).isEqualTo(" newest widest");
        assertThat(Subwords.decode(List.of(228, 189, 160), TOY_MERGES)).isEqualTo("你");
        assertThat(Subwords.decode(List.of(256, 160), List.of(List.of(228, 189)))).isEqualTo("你");
        assertThat(Subwords.decode(List.of(), TOY_MERGES)).isEmpty();
    }

    @Test
    @Points(1)
    @DisplayName("6. decode replaces broken UTF-8 with U+FFFD, as the library's Utf8.decode does")
    void decodesBrokenUtf8() {
        // Two of the three bytes of 你: one replacement character.
        assertThat(Subwords.decode(List.of(228, 189), TOY_MERGES)).isEqualTo("\uFFFD");
        assertThat(Subwords.decode(List.of(228, 189, 65), TOY_MERGES)).isEqualTo("\uFFFDA");
        // A continuation byte alone, then 你 whole.
        assertThat(Subwords.decode(List.of(160, 228, 189, 160), TOY_MERGES)).isEqualTo("\uFFFD你");
        byte[] broken = {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, 0x21};
        assertThat(Subwords.decode(List.of(0xF0, 0x9F, 0x98, 0x21), List.of())).isEqualTo(Utf8.decode(broken));
    }

    @Test
    @Points(1)
    @DisplayName("6. decode rejects ids outside the vocabulary")
    void decodeRejectsUnknownIds() {
        assertThatThrownBy(() -> Subwords.decode(List.of(266), TOY_MERGES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subwords.decode(List.of(-1), TOY_MERGES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subwords.decode(List.of(256), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 7: byteToUnicode

    @Test
    @Points(2)
    @DisplayName("7. byteToUnicode keeps printable bytes and moves the others to U+0100 on: space is Ġ")
    void byteToUnicodeByHand() {
        char[] table = Subwords.byteToUnicode();
        assertThat(table).hasSize(256);
        assertThat(table['A']).isEqualTo('A');
        assertThat(table['!']).isEqualTo('!');
        assertThat(table[0xFF]).isEqualTo('ÿ');
        assertThat(table[0]).isEqualTo('\u0100');      // Ā: the first byte moved
        assertThat(table['\n']).isEqualTo('\u010A');   // Ċ: bytes 0..9 moved before it
        assertThat(table[' ']).isEqualTo('\u0120');    // Ġ: bytes 0..31 moved before it
        assertThat(table[0x7F]).isEqualTo('\u0121');   // ġ: DEL, the 34th byte moved
        assertThat(table[0xAD]).isEqualTo('\u0143');   // Ń: the soft hyphen, the 68th and last
    }

    @Test
    @Points(1)
    @DisplayName("7. byteToUnicode agrees with the library's ByteLevel for all 256 bytes")
    void byteToUnicodeMatchesTheLibrary() {
        char[] table = Subwords.byteToUnicode();
        Set<Character> distinct = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            assertThat(table[b]).as("byte %d", b).isEqualTo(ByteLevel.charOf(b));
            distinct.add(table[b]);
        }
        assertThat(distinct).hasSize(256);
    }

    // ---------------------------------------------------------------- Exercise 8: wordPiece

    private static final Set<String> BERT_LIKE = Set.of("un", "##aff", "##able", "able", "a", "##a", "##b");

    @Test
    @Points(2)
    @DisplayName("8. wordPiece cuts a word into the longest pieces, ## marking continuations")
    void wordPieceLongestMatch() {
        assertThat(Subwords.wordPiece("unaffable", BERT_LIKE)).isEqualTo(List.of("un", "##aff", "##able"));
        assertThat(Subwords.wordPiece("able", BERT_LIKE)).isEqualTo(List.of("able"));
        // "ab": no "ab" piece, so "a", then "##b".
        assertThat(Subwords.wordPiece("ab", BERT_LIKE)).isEqualTo(List.of("a", "##b"));
        // The longest piece wins even when shorter ones exist: {a, ab, abc, ##d}.
        assertThat(Subwords.wordPiece("abcd", Set.of("a", "ab", "abc", "##d"))).isEqualTo(List.of("abc", "##d"));
    }

    @Test
    @Points(2)
    @DisplayName("8. wordPiece gives [UNK] for the whole word when some position has no piece, even if greedy was the problem")
    void wordPieceUnknown() {
        // "abc" with {ab, a, ##bc}: greedy takes "ab", then finds no "##c". [a, ##bc] existed, but greedy never looks back.
        assertThat(Subwords.wordPiece("abc", Set.of("ab", "a", "##bc"))).isEqualTo(List.of(Subwords.UNKNOWN));
        // "affable": "a" starts it, but no "##f..." piece continues it ("##aff" needs the a).
        assertThat(Subwords.wordPiece("affable", BERT_LIKE)).isEqualTo(List.of(Subwords.UNKNOWN));
        // "unablex": un, ##able, then no "##x": the whole word.
        assertThat(Subwords.wordPiece("unablex", BERT_LIKE)).isEqualTo(List.of(Subwords.UNKNOWN));
    }

    @Test
    @Points(1)
    @DisplayName("8. wordPiece: the empty word gives no pieces; continuations repeat as needed")
    void wordPieceEdgeCases() {
        assertThat(Subwords.wordPiece("", BERT_LIKE)).isEmpty();
        assertThat(Subwords.wordPiece("aaab", BERT_LIKE)).isEqualTo(List.of("a", "##a", "##a", "##b"));
    }

    // ---------------------------------------------------------------- Exercise 9: viterbi

    private static Map<String, Double> logs(Object... pieceAndProbability) {
        Map<String, Double> logs = new HashMap<>();
        for (int i = 0; i < pieceAndProbability.length; i += 2) {
            logs.put((String) pieceAndProbability[i], Math.log((Double) pieceAndProbability[i + 1]));
        }
        return logs;
    }

    @Test
    @Points(3)
    @DisplayName("9. viterbi finds the most probable segmentation of 天安门, as worked out in the reading")
    void viterbiTiananmen() {
        // 天 安 门: 0.00025; 天安 门: 0.0005; 天 安门: 0.002; 天安门: 0.005.
        assertThat(Subwords.viterbi("天安门", logs("天", 0.1, "安", 0.05, "门", 0.05, "天安", 0.01, "安门", 0.02, "天安门", 0.005)))
                .isEqualTo(List.of("天安门"));
        // With p(天安门) = 0.001, 天 + 安门 (0.002) is best.
        assertThat(Subwords.viterbi("天安门", logs("天", 0.1, "安", 0.05, "门", 0.05, "天安", 0.01, "安门", 0.02, "天安门", 0.001)))
                .isEqualTo(List.of("天", "安门"));
    }

    @Test
    @Points(2)
    @DisplayName("9. viterbi beats greedy: the best path may use short pieces where a long one is available")
    void viterbiIsNotGreedy() {
        // "ab": a·b = 0.25 beats ab = 0.2.
        assertThat(Subwords.viterbi("ab", logs("a", 0.5, "b", 0.5, "ab", 0.2))).isEqualTo(List.of("a", "b"));
        // "abcd" with ab, abc, cd, d: abc + d = 0.1·0.01 = 0.001; ab + cd = 0.05·0.3 = 0.015 wins.
        assertThat(Subwords.viterbi("abcd", logs("a", 0.01, "b", 0.01, "c", 0.01, "d", 0.01, "ab", 0.05, "abc", 0.1, "cd", 0.3)))
                .isEqualTo(List.of("ab", "cd"));
        // Longer texts: "theend" with the, end, he, e, n, d, t, h.
        assertThat(Subwords.viterbi("theend", logs("t", 0.05, "h", 0.05, "e", 0.1, "n", 0.05, "d", 0.05,
                "the", 0.2, "he", 0.1, "end", 0.1))).isEqualTo(List.of("the", "end"));
    }

    @Test
    @Points(1)
    @DisplayName("9. viterbi: the empty text gives no pieces; an unspellable text is rejected")
    void viterbiEdgeCases() {
        assertThat(Subwords.viterbi("", logs("a", 0.5))).isEmpty();
        assertThatThrownBy(() -> Subwords.viterbi("abx", logs("a", 0.5, "b", 0.5)))
                .as("no piece spells x").isInstanceOf(IllegalArgumentException.class);
    }
}
