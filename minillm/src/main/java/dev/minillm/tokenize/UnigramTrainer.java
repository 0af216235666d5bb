package dev.minillm.tokenize;

import dev.minillm.common.Progress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Learns a {@link UnigramTokenizer}: start from far too many pieces and prune.
 *
 * <ol>
 *   <li><b>Seed</b>: every character, plus the substrings of words (up to {@code maxPieceLength}
 *       characters) that occur at least twice, the most frequent by count × length.</li>
 *   <li><b>EM</b>: given the scores, the E-step computes how often each piece is expected to be
 *       used over all segmentations of all words ({@link Lattice#addExpectedCounts}); the M-step
 *       sets each score to the log of its share of those counts. Pieces expected less than half a
 *       time are dropped.</li>
 *   <li><b>Prune</b>: for each piece, estimate how much the likelihood of the training words would
 *       fall without it: its count in the best segmentations times the score lost by spelling it
 *       with the remaining pieces. Keep the {@code shrinkFactor} share that would cost the most.</li>
 *   <li>Repeat 2 and 3 until the vocabulary fits.</li>
 * </ol>
 *
 * Single characters are never pruned, so every text can still be segmented; characters too rare
 * to be among the {@code characterCoverage} share of the text get no piece and use byte fallback.
 * Everything is deterministic: ties are broken by the pieces' text.
 */
public final class UnigramTrainer {

    /**
     * How to train.
     *
     * @param vocabSize         the vocabulary wanted, byte pieces and special tokens included (it may
     *                          come out smaller when the text is small)
     * @param specialTokens     special tokens, numbered after the pieces
     * @param maxPieceLength    longest piece, in characters
     * @param characterCoverage share of the text's characters that must have a piece of their own (SentencePiece: 0.9995)
     * @param seedPieces        how many substrings to start from
     * @param shrinkFactor      share of pieces kept by each pruning round
     * @param emIterations      EM iterations before each pruning round
     */
    public record Config(int vocabSize, List<String> specialTokens, int maxPieceLength, double characterCoverage,
                         int seedPieces, double shrinkFactor, int emIterations) {

        public Config {
            specialTokens = List.copyOf(specialTokens);
            if (maxPieceLength < 1 || seedPieces < 1 || emIterations < 1) {
                throw new IllegalArgumentException("maxPieceLength, seedPieces and emIterations must be at least 1");
            }
            if (!(characterCoverage > 0 && characterCoverage <= 1) || !(shrinkFactor > 0 && shrinkFactor < 1)) {
                throw new IllegalArgumentException("characterCoverage must be in (0, 1] and shrinkFactor in (0, 1)");
            }
        }

        /** SentencePiece's defaults, with fewer seeds: pieces up to 16 characters, 99.95% coverage, keep 75% per round. */
        public static Config of(int vocabSize, String... specialTokens) {
            return new Config(vocabSize, List.of(specialTokens), 16, 0.9995, 50_000, 0.75, 2);
        }
    }

    /** A distinct word of the text (normalised code points) and how often it occurs. */
    private record Word(int[] codePoints, long count) {}

    /** Drops pieces the E-step expects to be used less than this often (SentencePiece's threshold). */
    private static final double MIN_EXPECTED_COUNT = 0.5;

    private UnigramTrainer() {}

    /**
     * Trains a tokenizer.
     *
     * @throws IllegalArgumentException if the text is empty or the vocabulary is smaller than the
     *                                  256 byte pieces, the covered characters and the special tokens
     */
    public static UnigramTokenizer train(String text, Config config) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no text to train on: the training text is empty");
        }
        SpecialTokens.number(config.specialTokens(), 0); // rejects empty and repeated special tokens
        List<Word> words = countWords(text);
        Set<Integer> characters = coveredCharacters(words, config.characterCoverage());
        int budget = config.vocabSize() - UnigramTokenizer.BYTES - config.specialTokens().size();
        if (budget < characters.size()) {
            int base = UnigramTokenizer.BYTES + characters.size() + config.specialTokens().size();
            throw new IllegalArgumentException("target vocabulary of " + config.vocabSize() + " is smaller than the base alphabet: "
                    + "256 byte pieces + " + characters.size() + " characters (covering " + config.characterCoverage() * 100
                    + "% of the text) + " + config.specialTokens().size() + " special tokens; ask for at least " + base
                    + " or lower the character coverage");
        }

        // 1. Seed pieces and their initial scores, from raw counts.
        Map<String, Double> counts = new HashMap<>();
        for (Word word : words) {
            for (int cp : word.codePoints()) {
                if (characters.contains(cp)) {
                    counts.merge(Character.toString(cp), (double) word.count(), Double::sum);
                }
            }
        }
        Set<String> required = new HashSet<>(counts.keySet());
        frequentSubstrings(words, characters, config.maxPieceLength()).entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, Long> e) -> -(double) e.getValue() * e.getKey().length())
                        .thenComparing(Map.Entry::getKey))
                .limit(config.seedPieces())
                .forEach(e -> counts.put(e.getKey(), (double) e.getValue()));
        var model = Model.fromCounts(counts, required);

        // 2-4. EM, then prune, until the vocabulary fits; then a last EM to settle the scores.
        try (var progress = Progress.start("unigram pruning rounds", roundsToFit(model.size(), budget, config.shrinkFactor()))) {
            while (true) {
                for (int i = 0; i < config.emIterations(); i++) {
                    model = model.emStep(words, config.maxPieceLength());
                }
                if (model.size() <= budget) {
                    break;
                }
                model = model.prune(words, config.maxPieceLength(), Math.max(budget, (int) (model.size() * config.shrinkFactor())));
                progress.step();
            }
        }
        return model.tokenizer(config.specialTokens());
    }

    /** Pieces with their scores, during training. */
    private record Model(List<String> pieces, double[] scores, Map<String, Integer> index, Set<String> required) {

        static Model fromCounts(Map<String, Double> counts, Set<String> required) {
            List<String> pieces = counts.keySet().stream().sorted().toList();
            double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
            double[] scores = pieces.stream().mapToDouble(p -> Math.log(counts.get(p) / total)).toArray();
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < pieces.size(); i++) {
                index.put(pieces.get(i), i);
            }
            return new Model(pieces, scores, index, required);
        }

        int size() {
            return pieces.size();
        }

        double unknownScore() {
            return java.util.Arrays.stream(scores).min().orElse(0) - 10;
        }

        /** One EM iteration: expected counts (E), then scores from them, dropping unused pieces (M). */
        Model emStep(List<Word> words, int maxLength) {
            double[] expected = new double[size()];
            for (Word word : words) {
                var lattice = new Lattice(word.codePoints(), 0, word.codePoints().length, index, maxLength, -1);
                lattice.addExpectedCounts(scores, unknownScore(), word.count(), expected);
            }
            Map<String, Double> counts = new HashMap<>();
            for (int i = 0; i < size(); i++) {
                if (expected[i] >= MIN_EXPECTED_COUNT || required.contains(pieces.get(i))) {
                    counts.put(pieces.get(i), Math.max(expected[i], MIN_EXPECTED_COUNT));
                }
            }
            return fromCounts(counts, required);
        }

        /**
         * Keeps the {@code keep} pieces whose removal would cost the most likelihood; the required
         * single characters always stay.
         */
        Model prune(List<Word> words, int maxLength, int keep) {
            double unknown = unknownScore();
            double[] used = new double[size()]; // count in the best segmentations
            for (Word word : words) {
                var lattice = new Lattice(word.codePoints(), 0, word.codePoints().length, index, maxLength, -1);
                for (Lattice.Edge edge : lattice.viterbi(scores, unknown)) {
                    if (edge.piece() >= 0) {
                        used[edge.piece()] += word.count();
                    }
                }
            }
            double[] loss = new double[size()];
            for (int i = 0; i < size(); i++) {
                if (used[i] > 0 && !required.contains(pieces.get(i))) {
                    int[] codePoints = pieces.get(i).codePoints().toArray();
                    var without = new Lattice(codePoints, 0, codePoints.length, index, maxLength, i);
                    double alternative = without.viterbi(scores, unknown).stream()
                            .mapToDouble(e -> e.piece() >= 0 ? scores[e.piece()] : unknown).sum();
                    loss[i] = used[i] * (scores[i] - alternative);
                }
            }
            List<Integer> optional = IntStream.range(0, size()).filter(i -> !required.contains(pieces.get(i))).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -loss[i]).thenComparing(pieces::get)).toList();
            Map<String, Double> counts = new HashMap<>();
            for (int i = 0; i < size(); i++) {
                if (required.contains(pieces.get(i))) {
                    counts.put(pieces.get(i), Math.exp(scores[i]));
                }
            }
            for (int i : optional.subList(0, Math.max(0, Math.min(optional.size(), keep - counts.size())))) {
                counts.put(pieces.get(i), Math.exp(scores[i]));
            }
            return fromCounts(counts, required);
        }

        /** The final tokenizer: pieces by score, best first. */
        UnigramTokenizer tokenizer(List<String> specialTokens) {
            List<Integer> order = IntStream.range(0, size()).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(pieces::get)).toList();
            return new UnigramTokenizer(order.stream().map(pieces::get).toList(),
                    order.stream().mapToDouble(i -> scores[i]).toArray(), specialTokens);
        }
    }

    /** The distinct words of the text ({@link UnigramTokenizer#wordBounds}) and their counts. */
    private static List<Word> countWords(String text) {
        int[] codePoints = UnigramTokenizer.normalize(text);
        Map<String, Long> counts = new HashMap<>();
        for (int[] bounds : UnigramTokenizer.wordBounds(codePoints)) {
            counts.merge(key(codePoints, bounds[0], bounds[1]), 1L, Long::sum);
        }
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Word(e.getKey().codePoints().map(cp -> cp == FORBIDDEN ? -1 : cp).toArray(), e.getValue()))
                .toList();
    }

    /** Stands for -1 (a character no piece may contain) in word keys; so a real U+FFFF never gets a piece either. */
    private static final int FORBIDDEN = 0xFFFF;

    private static String key(int[] codePoints, int from, int to) {
        var key = new StringBuilder();
        for (int i = from; i < to; i++) {
            key.appendCodePoint(codePoints[i] < 0 ? FORBIDDEN : codePoints[i]);
        }
        return key.toString();
    }

    /** The most frequent characters that together make up {@code coverage} of the text. */
    private static Set<Integer> coveredCharacters(List<Word> words, double coverage) {
        Map<Integer, Long> counts = new HashMap<>();
        long total = 0;
        for (Word word : words) {
            for (int cp : word.codePoints()) {
                if (cp >= 0 && cp != FORBIDDEN) {
                    counts.merge(cp, word.count(), Long::sum);
                    total += word.count();
                }
            }
        }
        Set<Integer> covered = new HashSet<>();
        long sum = 0;
        for (var entry : counts.entrySet().stream().sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).toList()) {
            if (sum >= coverage * total) {
                break;
            }
            covered.add(entry.getKey());
            sum += entry.getValue();
        }
        return covered;
    }

    /**
     * Substrings of 2..maxLength covered characters occurring at least twice, with their counts.
     * Level by level (Apriori): a substring can occur twice only where the substrings one character
     * shorter at its start and at its end both do, so only those places are counted.
     */
    private static Map<String, Long> frequentSubstrings(List<Word> words, Set<Integer> characters, int maxLength) {
        Map<String, Long> frequent = new HashMap<>();
        // alive[w][i]: the substring of the current length - 1 starting at i of word w occurs twice
        boolean[][] alive = new boolean[words.size()][];
        for (int w = 0; w < words.size(); w++) {
            int[] cps = words.get(w).codePoints();
            alive[w] = new boolean[cps.length];
            for (int i = 0; i < cps.length; i++) {
                alive[w][i] = characters.contains(cps[i]);
            }
        }
        for (int length = 2; length <= maxLength; length++) {
            Map<String, Long> counts = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] cps = words.get(w).codePoints();
                for (int i = 0; i + length <= cps.length; i++) {
                    if (alive[w][i] && alive[w][i + 1]) {
                        counts.merge(key(cps, i, i + length), words.get(w).count(), Long::sum);
                    }
                }
            }
            counts.values().removeIf(count -> count < 2);
            if (counts.isEmpty()) {
                break;
            }
            for (int w = 0; w < words.size(); w++) {
                int[] cps = words.get(w).codePoints();
                for (int i = 0; i < cps.length; i++) {
                    alive[w][i] = i + length <= cps.length && alive[w][i] && alive[w][i + 1]
                            && counts.containsKey(key(cps, i, i + length));
                }
            }
            frequent.putAll(counts);
        }
        return frequent;
    }

    private static int roundsToFit(int seeds, int budget, double shrinkFactor) {
        int rounds = 0;
        for (double size = seeds; size > budget; size *= shrinkFactor) {
            rounds++;
        }
        return Math.max(rounds, 1);
    }
}
