package dev.minillm.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Learns a {@link WordPieceTokenizer}'s vocabulary: like BPE it merges pairs of adjacent pieces, but
 * instead of the most frequent pair it picks the one whose merge most raises the likelihood of the
 * training words under a unigram model of pieces. That gain is about
 *
 * <pre>
 *   score(a, b) = count(ab) · log( count(ab) · N / (count(a) · count(b)) )
 * </pre>
 *
 * where N is the number of pieces in the text: how often the pair occurs, times how much more often
 * than if a and b were independent (their pointwise mutual information). In "ae ae ae ae be be be be
 * ce ce ce ce qu qu qu" BPE first merges "a" + "##e", the most frequent pair; WordPiece merges
 * "q" + "##u", which never occur apart, while "##e" is common everywhere.
 *
 * <p>Many tutorials quote the score as {@code count(ab) / (count(a) · count(b))}, the mutual
 * information part alone. Without the weight count(ab) it prefers pairs of rare pieces; on the
 * bundled English text it learns few whole words (0.64 tokens per character at 800 tokens, against
 * 0.32 here and 0.35 for BPE).
 *
 * <p>Every word starts as its characters: the first as itself, the others with the prefix
 * {@value WordPieceTokenizer#CONTINUATION}. These make the alphabet, which is always in the
 * vocabulary. Each step recounts all pairs: simple, and fast enough for the vocabularies of a
 * notebook (the incremental bookkeeping of {@link BpeTrainer} would work here too).
 */
public final class WordPieceTrainer {

    private WordPieceTrainer() {}

    /**
     * A vocabulary of at most {@code vocabSize} ids: {@value WordPieceTokenizer#UNKNOWN}, the alphabet,
     * the merged pieces in the order they were learnt, then the special tokens. Ties in score go to the
     * more frequent pair, then to the pair of pieces learnt first.
     *
     * @throws IllegalArgumentException if the text has no words or the vocabulary is smaller than
     *                                  the alphabet plus the unknown and special tokens
     */
    public static WordPieceTokenizer train(String text, int vocabSize, List<String> specialTokens) {
        Map<String, Long> wordCounts = new HashMap<>();
        for (String word : WordPieceTokenizer.words(text == null ? "" : text)) {
            if (word.codePointCount(0, word.length()) <= WordPieceTokenizer.MAX_WORD_LENGTH) {
                wordCounts.merge(word, 1L, Long::sum);
            }
        }
        if (wordCounts.isEmpty()) {
            throw new IllegalArgumentException("no text to train on: the training text is empty or only whitespace");
        }
        SpecialTokens.number(specialTokens, 0); // rejects empty and repeated special tokens

        // The alphabet, sorted, gets the first symbol ids.
        var alphabet = new TreeSet<String>();
        wordCounts.keySet().forEach(word -> alphabet.addAll(characters(word)));
        List<String> symbols = new ArrayList<>(alphabet);
        Map<String, Integer> symbolIds = new HashMap<>();
        symbols.forEach(s -> symbolIds.put(s, symbolIds.size()));
        int base = 1 + symbols.size() + specialTokens.size();
        if (vocabSize < base) {
            throw new IllegalArgumentException("target vocabulary of " + vocabSize + " is smaller than the base alphabet: "
                    + WordPieceTokenizer.UNKNOWN + " + " + symbols.size() + " characters (as word starts and "
                    + WordPieceTokenizer.CONTINUATION + "continuations) + " + specialTokens.size()
                    + " special tokens; ask for at least " + base);
        }

        List<int[]> words = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        wordCounts.forEach((word, count) -> {
            words.add(characters(word).stream().mapToInt(symbolIds::get).toArray());
            counts.add(count);
        });

        while (1 + symbols.size() + specialTokens.size() < vocabSize) {
            long[] symbolCounts = new long[symbols.size()];
            var pairCounts = new PairMap(1024);
            for (int w = 0; w < words.size(); w++) {
                int[] word = words.get(w);
                long count = counts.get(w);
                for (int i = 0; i < word.length; i++) {
                    symbolCounts[word[i]] += count;
                    if (i + 1 < word.length) {
                        pairCounts.add(PairMap.key(word[i], word[i + 1]), count);
                    }
                }
            }
            if (pairCounts.size() == 0) {
                break; // every word is a single piece
            }
            long total = java.util.Arrays.stream(symbolCounts).sum();
            long[] best = {-1, 0}; // pair key, its count
            double[] bestScore = {Double.NEGATIVE_INFINITY};
            pairCounts.forEach((pair, count) -> {
                double expectedIfIndependent = (double) symbolCounts[PairMap.left(pair)] * symbolCounts[PairMap.right(pair)] / total;
                double score = count * Math.log(count / expectedIfIndependent); // count(ab) · PMI(a, b)
                boolean better = score > bestScore[0]
                        || score == bestScore[0] && (count > best[1] || count == best[1] && pair < best[0]);
                if (better) {
                    bestScore[0] = score;
                    best[0] = pair;
                    best[1] = count;
                }
            });
            int left = PairMap.left(best[0]);
            int right = PairMap.right(best[0]);
            String merged = symbols.get(left) + symbols.get(right).substring(WordPieceTokenizer.CONTINUATION.length());
            Integer token = symbolIds.get(merged);
            if (token == null) { // the same piece can be reached by two different cuts; add it once
                token = symbols.size();
                symbols.add(merged);
                symbolIds.put(merged, token);
            }
            for (int w = 0; w < words.size(); w++) {
                words.set(w, replacePair(words.get(w), left, right, token));
            }
        }

        List<String> tokens = new ArrayList<>();
        tokens.add(WordPieceTokenizer.UNKNOWN);
        tokens.addAll(symbols);
        return new WordPieceTokenizer(new TokenTable(tokens, specialTokens));
    }

    /** The characters of a word as starting symbols: "cat" is [c, ##a, ##t]. */
    private static List<String> characters(String word) {
        List<String> symbols = new ArrayList<>();
        word.codePoints().forEach(cp -> symbols.add((symbols.isEmpty() ? "" : WordPieceTokenizer.CONTINUATION)
                + Character.toString(cp)));
        return symbols;
    }

    private static int[] replacePair(int[] word, int left, int right, int token) {
        int[] merged = new int[word.length];
        int written = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                merged[written++] = token;
                i++;
            } else {
                merged[written++] = word[i];
            }
        }
        return written == word.length ? word : Arrays.copyOf(merged, written);
    }
}
