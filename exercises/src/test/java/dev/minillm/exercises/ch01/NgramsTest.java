package dev.minillm.exercises.ch01;

import dev.minillm.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 1's exercises, in {@link Ngrams}. Every expected number is worked out by hand
 * in a comment, from the running example below.
 */
@DisplayName("Chapter 1: n-grams")
class NgramsTest {

    /**
     * The running example: 9 tokens, 6 types (the ×3, cat ×2, sat, on, mat, ran).
     * Bigrams: the cat ×2, cat sat, sat on, on the, the mat, mat the, cat ran (8 bigrams, 7 types).
     */
    private static final List<String> TEXT = tokens("the cat sat on the mat the cat ran");
    private static final List<String> TYPES = List.of("the", "cat", "sat", "on", "mat", "ran");
    private static final int V = TYPES.size();
    private static final double EPS = 1e-12;

    private static List<String> tokens(String text) {
        return List.of(text.split(" "));
    }

    // ---------------------------------------------------------------- Exercise 1: countNgrams

    @Test
    @Points(2)
    @DisplayName("1. countNgrams counts every run of two consecutive tokens, the repeated bigram twice")
    void countsBigrams() {
        assertThat(Ngrams.countNgrams(TEXT, 2)).isEqualTo(Map.of(
                List.of("the", "cat"), 2,
                List.of("cat", "sat"), 1,
                List.of("sat", "on"), 1,
                List.of("on", "the"), 1,
                List.of("the", "mat"), 1,
                List.of("mat", "the"), 1,
                List.of("cat", "ran"), 1));
    }

    @Test
    @Points(1)
    @DisplayName("1. countNgrams gives word frequencies for n = 1 and N - n + 1 n-grams for any n")
    void countsUnigramsAndTrigrams() {
        assertThat(Ngrams.countNgrams(TEXT, 1)).isEqualTo(Map.of(
                List.of("the"), 3, List.of("cat"), 2, List.of("sat"), 1,
                List.of("on"), 1, List.of("mat"), 1, List.of("ran"), 1));
        // 9 - 3 + 1 = 7 trigrams, all different.
        Map<List<String>, Integer> trigrams = Ngrams.countNgrams(TEXT, 3);
        assertThat(trigrams).hasSize(7).containsEntry(List.of("mat", "the", "cat"), 1);
        assertThat(trigrams.values()).containsOnly(1);
    }

    @Test
    @Points(1)
    @DisplayName("1. countNgrams rejects n < 1 and gives an empty map for a text shorter than n")
    void countNgramsEdgeCases() {
        assertThatThrownBy(() -> Ngrams.countNgrams(TEXT, 0)).as("n = 0 must be rejected").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ngrams.countNgrams(TEXT, -1)).as("n = -1 must be rejected").isInstanceOf(IllegalArgumentException.class);
        assertThat(Ngrams.countNgrams(List.of("a", "b"), 3)).isEmpty();
        assertThat(Ngrams.countNgrams(List.of(), 1)).isEmpty();
        assertThat(Ngrams.countNgrams(List.of("a", "b"), 2)).isEqualTo(Map.of(List.of("a", "b"), 1));
    }

    // ---------------------------------------------------------------- Exercise 2: mleProbability

    @Test
    @Points(2)
    @DisplayName("2. mleProbability is c(context next) / c(context followed by any token)")
    void mleWithOneTokenContext() {
        // "the" is followed 3 times: by cat, mat, cat.
        assertThat(Ngrams.mleProbability(TEXT, List.of("the"), "cat")).isCloseTo(2.0 / 3, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of("the"), "mat")).isCloseTo(1.0 / 3, within(EPS));
        // "cat" is followed by sat and ran.
        assertThat(Ngrams.mleProbability(TEXT, List.of("cat"), "ran")).isCloseTo(0.5, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of("on"), "the")).isCloseTo(1.0, within(EPS));
        // In "a b a" the last "a" is followed by nothing, so only one "a" counts: P(b | a) = 1/1.
        assertThat(Ngrams.mleProbability(tokens("a b a"), List.of("a"), "b")).isCloseTo(1.0, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("2. mleProbability with an empty context is the unigram relative frequency c(w) / N")
    void mleWithEmptyContext() {
        assertThat(Ngrams.mleProbability(TEXT, List.of(), "the")).isCloseTo(3.0 / 9, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of(), "ran")).isCloseTo(1.0 / 9, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of(), "dog")).isEqualTo(0.0);
    }

    @Test
    @Points(1)
    @DisplayName("2. mleProbability works with longer contexts, and sums to 1 over the vocabulary")
    void mleWithLongerContext() {
        // "the cat" occurs twice, followed by sat and by ran.
        assertThat(Ngrams.mleProbability(TEXT, List.of("the", "cat"), "ran")).isCloseTo(0.5, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of("the", "cat"), "sat")).isCloseTo(0.5, within(EPS));
        assertThat(Ngrams.mleProbability(TEXT, List.of("sat", "on"), "the")).isCloseTo(1.0, within(EPS));
        double sum = TYPES.stream().mapToDouble(w -> Ngrams.mleProbability(TEXT, List.of("the"), w)).sum();
        assertThat(sum).isCloseTo(1.0, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("2. mleProbability gives 0 for an unseen next token and for an unseen context (0/0 taken as 0)")
    void mleUnseen() {
        assertThat(Ngrams.mleProbability(TEXT, List.of("the"), "dog")).isEqualTo(0.0);
        assertThat(Ngrams.mleProbability(TEXT, List.of("dog"), "the")).isEqualTo(0.0);
        // "ran" only ends the text: it is never followed by anything.
        assertThat(Ngrams.mleProbability(TEXT, List.of("ran"), "the")).isEqualTo(0.0);
        assertThat(Ngrams.mleProbability(TEXT, List.of("cat", "the"), "mat")).isEqualTo(0.0);
    }

    // ---------------------------------------------------------------- Exercise 3: addKProbability

    @Test
    @Points(2)
    @DisplayName("3. addKProbability with k = 1 is (c(context next) + 1) / (c(context) + V)")
    void addOne() {
        // (2 + 1) / (3 + 6)
        assertThat(Ngrams.addKProbability(TEXT, List.of("the"), "cat", 1, V)).isCloseTo(1.0 / 3, within(EPS));
        // (0 + 1) / (3 + 6): unseen pairs are no longer impossible.
        assertThat(Ngrams.addKProbability(TEXT, List.of("the"), "dog", 1, V)).isCloseTo(1.0 / 9, within(EPS));
        // Unseen context: (0 + 1) / (0 + 6), the uniform distribution.
        assertThat(Ngrams.addKProbability(TEXT, List.of("ran"), "the", 1, V)).isCloseTo(1.0 / 6, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("3. addKProbability works with a fractional k, and k = 0 gives the maximum likelihood estimate")
    void addKFractionalAndZero() {
        // (1 + 0.5) / (2 + 0.5 * 6) = 1.5 / 5
        assertThat(Ngrams.addKProbability(TEXT, List.of("cat"), "sat", 0.5, V)).isCloseTo(0.3, within(EPS));
        // Empty context: (3 + 0.5) / (9 + 3)
        assertThat(Ngrams.addKProbability(TEXT, List.of(), "the", 0.5, V)).isCloseTo(3.5 / 12, within(EPS));
        assertThat(Ngrams.addKProbability(TEXT, List.of("the"), "cat", 0, V)).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("3. addKProbability sums to 1 over the whole vocabulary, for seen and unseen contexts")
    void addKSumsToOne() {
        for (List<String> context : List.of(List.<String>of(), List.of("the"), List.of("cat"), List.of("ran"))) {
            double sum = TYPES.stream().mapToDouble(w -> Ngrams.addKProbability(TEXT, context, w, 0.5, V)).sum();
            assertThat(sum).as("sum over the vocabulary after %s", context).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    @Points(1)
    @DisplayName("3. addKProbability rejects a negative k and a vocabulary size below 1")
    void addKRejectsBadArguments() {
        assertThatThrownBy(() -> Ngrams.addKProbability(TEXT, List.of("the"), "cat", -0.1, V))
                .as("k = -0.1 must be rejected").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ngrams.addKProbability(TEXT, List.of("the"), "cat", 1, 0))
                .as("V = 0 must be rejected").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ngrams.addKProbability(TEXT, List.of("the"), "cat", 1, -6))
                .as("V = -6 must be rejected").isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 4: interpolatedBigram

    @Test
    @Points(2)
    @DisplayName("4. interpolatedBigram is λ0/V + λ1·P(next) + λ2·P(next | previous)")
    void interpolates() {
        double[] lambdas = {0.2, 0.3, 0.5};
        // 0.2/6 + 0.3 * 2/9 + 0.5 * 2/3 = 1/30 + 2/30 + 10/30
        assertThat(Ngrams.interpolatedBigram(TEXT, "the", "cat", lambdas, V)).isCloseTo(13.0 / 30, within(EPS));
        // Unseen word: only the uniform part is left.
        assertThat(Ngrams.interpolatedBigram(TEXT, "the", "dog", lambdas, V)).isCloseTo(1.0 / 30, within(EPS));
        // Unseen context: 1/30 + 0.3 * 3/9 + 0.5 * 0 (the simple version keeps λ2's share at 0).
        assertThat(Ngrams.interpolatedBigram(TEXT, "ran", "the", lambdas, V)).isCloseTo(4.0 / 30, within(EPS));
        // Lambdas that sum to 1 only up to rounding are accepted: 0.1 + 0.2 + 0.7.
        assertThat(Ngrams.interpolatedBigram(TEXT, "cat", "sat", new double[] {0.1, 0.2, 0.7}, V))
                .isCloseTo(0.1 / 6 + 0.2 / 9 + 0.7 / 2, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("4. interpolatedBigram with one-hot weights gives back the uniform, unigram or bigram estimate")
    void oneHotLambdas() {
        assertThat(Ngrams.interpolatedBigram(TEXT, "the", "cat", new double[] {1, 0, 0}, V)).isCloseTo(1.0 / 6, within(EPS));
        assertThat(Ngrams.interpolatedBigram(TEXT, "the", "cat", new double[] {0, 1, 0}, V)).isCloseTo(2.0 / 9, within(EPS));
        assertThat(Ngrams.interpolatedBigram(TEXT, "the", "cat", new double[] {0, 0, 1}, V)).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("4. interpolatedBigram sums to 1 over the vocabulary after a seen token")
    void interpolatedSumsToOne() {
        double[] lambdas = {0.1, 0.3, 0.6};
        for (String previous : List.of("the", "cat", "mat")) {
            double sum = TYPES.stream().mapToDouble(w -> Ngrams.interpolatedBigram(TEXT, previous, w, lambdas, V)).sum();
            assertThat(sum).as("sum over the vocabulary after %s", previous).isCloseTo(1.0, within(1e-9));
        }
    }

    @Test
    @Points(1)
    @DisplayName("4. interpolatedBigram rejects lambdas that are not 3 non-negative weights summing to 1, and V < 1")
    void interpolatedRejectsBadLambdas() {
        for (double[] bad : List.of(new double[] {0.5, 0.5}, new double[] {0.25, 0.25, 0.25, 0.25},
                new double[] {-0.1, 0.6, 0.5}, new double[] {0.2, 0.3, 0.4}, new double[] {0.5, 0.5, 0.5})) {
            assertThatThrownBy(() -> Ngrams.interpolatedBigram(TEXT, "the", "cat", bad, V))
                    .as("lambdas %s must be rejected", Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Ngrams.interpolatedBigram(TEXT, "the", "cat", new double[] {0.2, 0.3, 0.5}, 0))
                .as("V = 0 must be rejected").isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 5: continuationProbability

    @Test
    @Points(2)
    @DisplayName("5. continuationProbability is distinct predecessors / distinct bigram types")
    void continuation() {
        // 7 bigram types; "the" follows "on" and "mat".
        assertThat(Ngrams.continuationProbability(TEXT, "the")).isCloseTo(2.0 / 7, within(EPS));
        // "cat" ends two bigrams, but both are "the cat": one predecessor.
        assertThat(Ngrams.continuationProbability(TEXT, "cat")).isCloseTo(1.0 / 7, within(EPS));
        assertThat(Ngrams.continuationProbability(TEXT, "mat")).isCloseTo(1.0 / 7, within(EPS));
        assertThat(Ngrams.continuationProbability(TEXT, "ran")).isCloseTo(1.0 / 7, within(EPS));
    }

    @Test
    @Points(2)
    @DisplayName("5. continuationProbability ranks a frequent word that always follows the same token low (san francisco)")
    void continuationSanFrancisco() {
        // "francisco" and "cat" both occur 3 times, but "francisco" only ever follows "san".
        // Bigram types: san francisco, francisco san, francisco the, the cat, cat a, a cat, cat my, my cat (8).
        List<String> text = tokens("san francisco san francisco san francisco the cat a cat my cat");
        assertThat(Ngrams.continuationProbability(text, "francisco")).isCloseTo(1.0 / 8, within(EPS));
        assertThat(Ngrams.continuationProbability(text, "cat")).isCloseTo(3.0 / 8, within(EPS));
        assertThat(Ngrams.continuationProbability(text, "san")).isCloseTo(1.0 / 8, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("5. continuationProbability is 0 without a bigram ending in the word, and sums to 1 over all words")
    void continuationEdgeCases() {
        assertThat(Ngrams.continuationProbability(TEXT, "dog")).isEqualTo(0.0);
        assertThat(Ngrams.continuationProbability(List.of("solo"), "solo")).isEqualTo(0.0);
        assertThat(Ngrams.continuationProbability(List.of(), "solo")).isEqualTo(0.0);
        double sum = TYPES.stream().mapToDouble(w -> Ngrams.continuationProbability(TEXT, w)).sum();
        assertThat(sum).isCloseTo(1.0, within(EPS));
    }

    // ---------------------------------------------------------------- Exercise 6: perplexity

    @Test
    @Points(2)
    @DisplayName("6. perplexity is exp(-(1/N) Σ ln p), the inverse geometric mean probability")
    void perplexityFormula() {
        // exp(-(ln 1/2 + ln 1/8) / 2) = exp(2 ln 2) = 4
        assertThat(Ngrams.perplexity(new double[] {0.5, 0.125})).isCloseTo(4.0, within(1e-9));
        // 1 / sqrt(0.1 * 0.9) = 1 / 0.3
        assertThat(Ngrams.perplexity(new double[] {0.1, 0.9})).isCloseTo(1 / 0.3, within(1e-9));
        assertThat(Ngrams.perplexity(new double[] {1.0, 1.0, 1.0})).isCloseTo(1.0, within(1e-12));
        assertThat(Ngrams.perplexity(new double[] {0.25})).isCloseTo(4.0, within(1e-9));
    }

    @Test
    @Points(1)
    @DisplayName("6. perplexity of a uniform model over V tokens is V, even on texts whose product of probabilities underflows")
    void perplexityUniformAndLong() {
        double[] sixes = new double[100];
        Arrays.fill(sixes, 1.0 / 6);
        assertThat(Ngrams.perplexity(sixes)).isCloseTo(6.0, within(1e-9));
        // 0.01^2000 = 1e-4000 is 0.0 as a double: multiplying first would give infinity.
        double[] long100 = new double[2000];
        Arrays.fill(long100, 0.01);
        assertThat(Ngrams.perplexity(long100)).isCloseTo(100.0, within(1e-6));
    }

    @Test
    @Points(1)
    @DisplayName("6. perplexity is infinite when a held-out token got probability 0")
    void perplexityZero() {
        assertThat(Ngrams.perplexity(new double[] {0.5, 0.0, 0.25})).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Ngrams.perplexity(new double[] {0.0})).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    @Points(1)
    @DisplayName("6. perplexity rejects an empty array and values that are not probabilities")
    void perplexityRejectsBadInput() {
        for (double[] bad : List.of(new double[0], new double[] {0.5, 1.5}, new double[] {-0.1},
                new double[] {0.5, Double.NaN}, new double[] {0.0, 2.0})) {
            assertThatThrownBy(() -> Ngrams.perplexity(bad))
                    .as("probabilities %s must be rejected", Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------- Exercise 7: sampleIndex

    @Test
    @Points(2)
    @DisplayName("7. sampleIndex returns the smallest index whose cumulative weight exceeds u·total")
    void sampleIndexInverseCdf() {
        double[] quarters = {0.25, 0.5, 0.25}; // cumulative 0.25, 0.75, 1.0
        assertThat(Ngrams.sampleIndex(quarters, 0.0)).isEqualTo(0);
        assertThat(Ngrams.sampleIndex(quarters, 0.24)).isEqualTo(0);
        assertThat(Ngrams.sampleIndex(quarters, 0.25)).isEqualTo(1); // 0.25 > 0.25 is false
        assertThat(Ngrams.sampleIndex(quarters, 0.74)).isEqualTo(1);
        assertThat(Ngrams.sampleIndex(quarters, 0.75)).isEqualTo(2);
        assertThat(Ngrams.sampleIndex(quarters, 0.999)).isEqualTo(2);
        // Weights need not sum to 1: {2, 6} has total 8, so index 0 covers u < 0.25.
        assertThat(Ngrams.sampleIndex(new double[] {2, 6}, 0.24)).isEqualTo(0);
        assertThat(Ngrams.sampleIndex(new double[] {2, 6}, 0.25)).isEqualTo(1);
    }

    @Test
    @Points(1)
    @DisplayName("7. sampleIndex never chooses a zero-weight entry, not even at u = 0 or u close to 1")
    void sampleIndexSkipsZeros() {
        assertThat(Ngrams.sampleIndex(new double[] {0, 2, 2}, 0.0)).isEqualTo(1);
        assertThat(Ngrams.sampleIndex(new double[] {2, 2, 0}, Math.nextDown(1.0))).isEqualTo(1);
        // {1, 0, 3}, total 4: u·total = 1 is not inside index 0's segment [0, 1), and index 1 is empty.
        assertThat(Ngrams.sampleIndex(new double[] {1, 0, 3}, 0.25)).isEqualTo(2);
        for (double u = 0; u < 1; u += 0.01) {
            assertThat(Ngrams.sampleIndex(new double[] {0, 0, 5, 0}, u)).isEqualTo(2);
        }
    }

    @Test
    @Points(1)
    @DisplayName("7. sampleIndex with 10,000 uniform draws matches the weights' proportions within 0.02")
    void sampleIndexDistribution() {
        double[] weights = {1, 2, 3, 4}; // probabilities 0.1, 0.2, 0.3, 0.4
        SplittableRandom rng = new SplittableRandom(2024);
        int draws = 10_000;
        int[] counts = new int[weights.length];
        for (int i = 0; i < draws; i++) {
            counts[Ngrams.sampleIndex(weights, rng.nextDouble())]++;
        }
        for (int i = 0; i < weights.length; i++) {
            assertThat((double) counts[i] / draws).as("share of index %d", i).isCloseTo(weights[i] / 10, within(0.02));
        }
    }

    @Test
    @Points(1)
    @DisplayName("7. sampleIndex rejects negative or NaN weights, a zero total, and u outside [0, 1)")
    void sampleIndexRejectsBadInput() {
        for (double[] bad : List.of(new double[0], new double[] {0.5, -0.1, 0.6}, new double[] {0, 0},
                new double[] {0.5, Double.NaN})) {
            assertThatThrownBy(() -> Ngrams.sampleIndex(bad, 0.5))
                    .as("weights %s must be rejected", Arrays.toString(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (double u : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Ngrams.sampleIndex(new double[] {0.5, 0.5}, u))
                    .as("u = %s must be rejected", u)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------- Exercise 8: generate

    private static Map<String, Double> row(Object... tokenWeightPairs) {
        Map<String, Double> row = new LinkedHashMap<>(); // iteration order = the order written here
        for (int i = 0; i < tokenWeightPairs.length; i += 2) {
            row.put((String) tokenWeightPairs[i], ((Number) tokenWeightPairs[i + 1]).doubleValue());
        }
        return row;
    }

    /** A small bigram table with real choices in it. */
    private static Map<String, Map<String, Double>> cats() {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        table.put("<s>", row("the", 0.8, "a", 0.2));
        table.put("the", row("cat", 0.5, "mat", 0.25, "dog", 0.25));
        table.put("a", row("cat", 1));
        table.put("cat", row("sat", 0.4, "ran", 0.3, "</s>", 0.3));
        table.put("mat", row("</s>", 0.6, "the", 0.4));
        table.put("dog", row("ran", 1));
        table.put("sat", row("on", 1));
        table.put("on", row("the", 1));
        table.put("ran", row("</s>", 1));
        return table;
    }

    /** What generate must return, worked out here with SplittableRandom and an inverse CDF of our own. */
    private static List<String> expectedText(Map<String, Map<String, Double>> table, String start, String end,
                                             long seed, int maxTokens) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> text = new ArrayList<>();
        String current = start;
        while (text.size() < maxTokens) {
            List<Map.Entry<String, Double>> entries = new ArrayList<>(table.get(current).entrySet());
            double total = 0;
            for (Map.Entry<String, Double> e : entries) {
                total += e.getValue();
            }
            double target = rng.nextDouble() * total;
            double cumulative = 0;
            String next = null;
            for (Map.Entry<String, Double> e : entries) {
                cumulative += e.getValue();
                if (cumulative > target) {
                    next = e.getKey();
                    break;
                }
            }
            if (next.equals(end)) {
                break;
            }
            text.add(next);
            current = next;
        }
        return text;
    }

    @Test
    @Points(2)
    @DisplayName("8. generate follows a table without choices, stops before the end token or after maxTokens")
    void generateDeterministicTables() {
        Map<String, Map<String, Double>> line = new LinkedHashMap<>();
        line.put("<s>", row("a", 1));
        line.put("a", row("b", 1));
        line.put("b", row("c", 1));
        line.put("c", row("</s>", 1));
        assertThat(Ngrams.generate(line, "<s>", "</s>", 1, 10)).containsExactly("a", "b", "c");

        Map<String, Map<String, Double>> loop = new LinkedHashMap<>();
        loop.put("<s>", row("a", 1));
        loop.put("a", row("b", 1));
        loop.put("b", row("a", 1));
        assertThat(Ngrams.generate(loop, "<s>", "</s>", 1, 5)).containsExactly("a", "b", "a", "b", "a");
        assertThat(Ngrams.generate(loop, "<s>", "</s>", 1, 0)).isEmpty();
    }

    @Test
    @Points(2)
    @DisplayName("8. generate draws with one SplittableRandom(seed), one nextDouble per token, in the table's order")
    void generateMatchesSeededDraws() {
        Map<String, Map<String, Double>> table = cats();
        Set<List<String>> distinct = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            List<String> text = Ngrams.generate(table, "<s>", "</s>", seed, 12);
            assertThat(text).as("seed %d", seed).isEqualTo(expectedText(table, "<s>", "</s>", seed, 12));
            assertThat(Ngrams.generate(table, "<s>", "</s>", seed, 12)).as("seed %d again", seed).isEqualTo(text);
            distinct.add(text);
        }
        assertThat(distinct).as("different seeds give different texts").hasSizeGreaterThan(5);
    }

    @Test
    @Points(1)
    @DisplayName("8. generate over 10,000 tokens follows the table's probabilities within 0.02")
    void generateDistribution() {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        table.put("x", row("x", 0.25, "y", 0.75));
        table.put("y", row("x", 0.25, "y", 0.75));
        List<String> text = Ngrams.generate(table, "x", "</s>", 99, 10_000);
        assertThat(text).hasSize(10_000);
        double shareOfX = text.stream().filter("x"::equals).count() / 10_000.0;
        assertThat(shareOfX).isCloseTo(0.25, within(0.02));
    }

    @Test
    @Points(1)
    @DisplayName("8. generate reports a token missing from the table by name, and rejects maxTokens < 0")
    void generateRejectsBadInput() {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        table.put("<s>", row("ghost", 1));
        assertThatThrownBy(() -> Ngrams.generate(table, "<s>", "</s>", 1, 10))
                .as("'ghost' has no table entry").isInstanceOf(IllegalStateException.class).hasMessageContaining("ghost");
        assertThatThrownBy(() -> Ngrams.generate(table, "nowhere", "</s>", 1, 10))
                .as("'nowhere' has no table entry").isInstanceOf(IllegalStateException.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> Ngrams.generate(cats(), "<s>", "</s>", 1, -1))
                .as("maxTokens = -1 must be rejected").isInstanceOf(IllegalArgumentException.class);
    }
}
