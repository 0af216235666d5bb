package dev.minillm.tokenize;

import dev.minillm.common.Progress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Learns the merges of a byte-level {@link BpeTokenizer} from text.
 *
 * <p>The algorithm (Sennrich et al. 2016, on bytes as in GPT-2): cut the text into chunks with
 * {@link Gpt2Pattern} and count each distinct chunk (a <em>word type</em>) once; write every word
 * as its bytes; then, until the vocabulary is full, find the most frequent pair of adjacent tokens
 * (each word counting as often as it occurs), make it a new token, and replace the pair by it in
 * every word. Ties go to the pair with the smaller left id, then the smaller right id, so training
 * is deterministic.
 *
 * <p>{@link #trainPlain} does exactly that, recounting every pair after each merge: easy to
 * follow, but the work grows with merges × text. {@link #train} gives the same merges fast: pair
 * counts are kept up to date as merges are applied (only the words that contain the merged pair
 * change), an index says which words contain each pair, and a priority queue yields the most
 * frequent pair without a scan.
 */
public final class BpeTrainer {

    /**
     * One merge as training made it, for the trace a notebook can show.
     *
     * @param rank  the order of the merge, from 0
     * @param left  id of the first token of the pair
     * @param right id of the second token
     * @param token id of the new token (256 + rank)
     * @param count how often the pair occurred in the training text when it was chosen
     * @param text  the new token, readable ({@link Utf8#readable})
     */
    public record Step(int rank, int left, int right, int token, long count, String text) {}

    /** A trained tokenizer and the trace of its merges, in rank order. */
    public record Result(BpeTokenizer tokenizer, List<Step> trace) {}

    /** A pair and its count when it was queued; the queue's order is the training's choice order. */
    private record Candidate(long pair, long count) {}

    private static final Comparator<Candidate> MOST_FREQUENT_FIRST = Comparator
            .comparingLong(Candidate::count).reversed()
            .thenComparingLong(Candidate::pair); // packed left << 32 | right: smaller left, then right

    private BpeTrainer() {}

    /**
     * Trains a tokenizer of {@code vocabSize} ids: 256 bytes, then the merges, then the special
     * tokens. Training stops early if no pair is left to merge (every chunk is one token).
     *
     * @throws IllegalArgumentException if the text is empty or {@code vocabSize} is below 256 + specials
     */
    public static Result train(String text, int vocabSize, List<String> specialTokens) {
        int wanted = mergesToLearn(text, vocabSize, specialTokens);
        Map<String, Integer> wordTypes = countChunks(text);
        int n = wordTypes.size();
        int[][] words = new int[n][];
        long[] counts = new long[n];
        int w = 0;
        for (var entry : wordTypes.entrySet()) {
            words[w] = bytesAsIds(Utf8.encode(entry.getKey()));
            counts[w++] = entry.getValue();
        }

        // Every adjacent pair: its count, and the words it occurs in (an index into `where`).
        var pairCounts = new PairMap(n * 4);
        var whereIndex = new PairMap(n * 4);
        List<IntList> where = new ArrayList<>();
        for (w = 0; w < n; w++) {
            for (int i = 0; i + 1 < words[w].length; i++) {
                long pair = PairMap.key(words[w][i], words[w][i + 1]);
                pairCounts.add(pair, counts[w]);
                addOccurrence(whereIndex, where, pair, w);
            }
        }
        var queue = new PriorityQueue<>(MOST_FREQUENT_FIRST);
        pairCounts.forEach((pair, count) -> queue.add(new Candidate(pair, count)));

        byte[][] tokenBytes = initialBytes(256 + wanted);
        List<int[]> merges = new ArrayList<>();
        List<Step> trace = new ArrayList<>();
        int[] visitedAtRank = new int[n];
        Arrays.fill(visitedAtRank, -1);
        try (var progress = Progress.start("BPE merges", wanted)) {
            for (int rank = 0; rank < wanted; rank++) {
                Candidate best = mostFrequent(queue, pairCounts);
                if (best == null) {
                    break; // every word is a single token
                }
                int left = PairMap.left(best.pair());
                int right = PairMap.right(best.pair());
                int token = 256 + rank;
                tokenBytes[token] = concat(tokenBytes[left], tokenBytes[right]);
                var newPairs = new PairMap(16);
                IntList occurrences = where.set((int) whereIndex.get(best.pair(), -1), null); // never needed again
                for (int k = 0; k < occurrences.size(); k++) {
                    w = occurrences.get(k);
                    if (visitedAtRank[w] == rank) {
                        continue;
                    }
                    visitedAtRank[w] = rank;
                    int[] word = words[w];
                    int[] merged = replacePair(word, left, right, token);
                    if (merged.length == word.length) {
                        continue; // an older merge already used the pair's tokens in this word
                    }
                    // The word's old pairs lose its count and its new pairs gain it; pairs away from
                    // the merge are in both and come out unchanged. Only pairs with the new token grow.
                    for (int i = 0; i + 1 < word.length; i++) {
                        pairCounts.add(PairMap.key(word[i], word[i + 1]), -counts[w]);
                    }
                    for (int i = 0; i + 1 < merged.length; i++) {
                        long pair = PairMap.key(merged[i], merged[i + 1]);
                        pairCounts.add(pair, counts[w]);
                        if (merged[i] == token || merged[i + 1] == token) {
                            newPairs.put(pair, 1);
                            addOccurrence(whereIndex, where, pair, w);
                        }
                    }
                    words[w] = merged;
                }
                newPairs.forEach((pair, ignored) -> queue.add(new Candidate(pair, pairCounts.get(pair, 0))));
                merges.add(new int[] {left, right});
                trace.add(new Step(rank, left, right, token, best.count(), Utf8.readable(tokenBytes[token])));
                progress.step();
            }
        }
        return finish(tokenBytes, merges, trace, specialTokens);
    }

    /**
     * The most frequent pair still in the text, or null if none is left. Queue entries are never
     * removed when a count drops; a popped entry whose count is out of date goes back with its
     * true count. (Every pair whose count grew was queued again, so the queue never under-states.)
     */
    private static Candidate mostFrequent(PriorityQueue<Candidate> queue, PairMap pairCounts) {
        while (!queue.isEmpty()) {
            Candidate candidate = queue.poll();
            long actual = pairCounts.get(candidate.pair(), 0);
            if (actual > 0 && actual == candidate.count()) {
                return candidate;
            }
            if (actual > 0 && actual < candidate.count()) {
                queue.add(new Candidate(candidate.pair(), actual));
            }
        }
        return null;
    }

    private static void addOccurrence(PairMap whereIndex, List<IntList> where, long pair, int word) {
        long index = whereIndex.get(pair, -1);
        if (index < 0) {
            index = where.size();
            whereIndex.put(pair, index);
            where.add(new IntList());
        }
        IntList words = where.get((int) index);
        if (words == null) { // the pair was merged away, yet occurs again: impossible, kept as a guard
            throw new IllegalStateException("pair " + PairMap.left(pair) + "," + PairMap.right(pair) + " reappeared after its merge");
        }
        if (words.size() == 0 || words.get(words.size() - 1) != word) {
            words.add(word);
        }
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

    // ---------------------------------------------------------------------------------------------

    /** The readable reference: recount every pair before each merge. Same result as {@link #train}. */
    public static Result trainPlain(String text, int vocabSize, List<String> specialTokens) {
        int wanted = mergesToLearn(text, vocabSize, specialTokens);
        List<List<Integer>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        countChunks(text).forEach((chunk, count) -> {
            words.add(Arrays.stream(bytesAsIds(Utf8.encode(chunk))).boxed().toList());
            counts.add(count);
        });
        byte[][] tokenBytes = initialBytes(256 + wanted);
        List<int[]> merges = new ArrayList<>();
        List<Step> trace = new ArrayList<>();
        try (var progress = Progress.start("BPE merges (plain)", wanted)) {
            for (int rank = 0; rank < wanted; rank++) {
                Map<List<Integer>, Long> pairCounts = new HashMap<>();
                for (int w = 0; w < words.size(); w++) {
                    List<Integer> word = words.get(w);
                    for (int i = 0; i + 1 < word.size(); i++) {
                        pairCounts.merge(List.of(word.get(i), word.get(i + 1)), (long) counts.get(w), Long::sum);
                    }
                }
                if (pairCounts.isEmpty()) {
                    break;
                }
                var best = pairCounts.entrySet().stream().min(Comparator
                        .comparingLong((Map.Entry<List<Integer>, Long> e) -> e.getValue()).reversed()
                        .thenComparingInt(e -> e.getKey().get(0))
                        .thenComparingInt(e -> e.getKey().get(1))).orElseThrow();
                int left = best.getKey().get(0);
                int right = best.getKey().get(1);
                int token = 256 + rank;
                tokenBytes[token] = concat(tokenBytes[left], tokenBytes[right]);
                words.replaceAll(word -> BpeTokenizer.replacePair(word, left, right, token));
                merges.add(new int[] {left, right});
                trace.add(new Step(rank, left, right, token, best.getValue(), Utf8.readable(tokenBytes[token])));
                progress.step();
            }
        }
        return finish(tokenBytes, merges, trace, specialTokens);
    }

    // ---------------------------------------------------------------------------------------------
    // Shared by both trainers

    /** Checks the arguments; the number of merges that fills the vocabulary. */
    static int mergesToLearn(String text, int vocabSize, List<String> specialTokens) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no text to train on: the training text is empty");
        }
        SpecialTokens.number(specialTokens, 0); // rejects empty and repeated special tokens
        int base = 256 + specialTokens.size();
        if (vocabSize < base) {
            throw new IllegalArgumentException("target vocabulary of " + vocabSize + " tokens is smaller than the base alphabet: "
                    + "256 byte tokens + " + specialTokens.size() + " special tokens; ask for at least " + base);
        }
        return vocabSize - base;
    }

    /** Each distinct chunk of the text and how often it occurs. */
    static Map<String, Integer> countChunks(String text) {
        Map<String, Integer> counts = new HashMap<>();
        Gpt2Pattern.forEachChunk(text, (start, end) -> counts.merge(text.substring(start, end), 1, Integer::sum));
        return counts;
    }

    private static int[] bytesAsIds(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF; // a trained vocabulary starts with byte b as id b
        }
        return ids;
    }

    private static byte[][] initialBytes(int size) {
        byte[][] tokenBytes = new byte[size][];
        for (int b = 0; b < 256; b++) {
            tokenBytes[b] = new byte[] {(byte) b};
        }
        return tokenBytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static Result finish(byte[][] tokenBytes, List<int[]> merges, List<Step> trace, List<String> specialTokens) {
        int learnt = 256 + merges.size();
        var tokenizer = new BpeTokenizer(Arrays.copyOf(tokenBytes, learnt), merges, SpecialTokens.number(specialTokens, learnt));
        return new Result(tokenizer, List.copyOf(trace));
    }
}
