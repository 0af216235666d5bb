package dev.minillm.exercises.ch01;

import java.util.List;
import java.util.Map;

/**
 * Chapter 1 exercises: an n-gram language model, from counting to sampling, in eight static methods.
 *
 * <p>Tokens are plain {@code String}s and an n-gram is a {@code List<String>} of n consecutive tokens.
 * Each method's Javadoc states the task, the formula, the edge cases and a hint. Replace each
 * {@code throw new UnsupportedOperationException(...)} with your code, then grade your work with
 * {@code ./mvnw -q test -Dgrade} (the tests are in {@code NgramsTest}).
 *
 * <p>Running example used in the Javadoc: {@code "the cat sat on the mat the cat ran"} split on spaces,
 * nine tokens, six word types, eight bigrams of seven types.
 */
public final class Ngrams {

    private Ngrams() {
    }

    /**
     * Exercise 1: counts every n-gram, that is every run of {@code n} consecutive tokens.
     *
     * <p>A list of N tokens holds N − n + 1 n-grams (no padding with start or end markers): the n-gram
     * starting at position i is {@code tokens[i], ..., tokens[i + n - 1]}. In the running example the
     * bigram {@code [the, cat]} occurs twice and every other bigram once.
     *
     * <p>Edge cases: {@code n < 1} throws {@link IllegalArgumentException}; fewer than {@code n} tokens
     * give an empty map; exactly {@code n} tokens give one n-gram counted once.
     *
     * <p>Hint: slide a window of width n; copy each window ({@code List.copyOf(tokens.subList(i, i + n))})
     * rather than keeping the {@code subList} view as a map key, and add one with {@code Map.merge}.
     *
     * @param tokens the text, one token per element
     * @param n the order of the n-grams (1 = unigrams, 2 = bigrams, ...)
     * @return each n-gram that occurs, mapped to how many times it occurs
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Map<List<String>, Integer> countNgrams(List<String> tokens, int n) {
        throw new UnsupportedOperationException("TODO: slide a window of width n over the tokens and count each List.copyOf(window) with Map.merge");
    }

    /**
     * Exercise 2: the maximum likelihood estimate of P(next | context).
     *
     * <p>Formula: P(next | context) = c(context + next) / c(context •), where c(context + next) counts
     * the positions where {@code context} is immediately followed by {@code next}, and c(context •)
     * counts the positions where {@code context} is followed by any token (an occurrence at the very
     * end of the text, followed by nothing, does not count). With an empty context this is the unigram
     * relative frequency c(next) / N over all N tokens. Running example: P(cat | the) = 2/3,
     * P(ran | the cat) = 1/2, P(the) = 3/9.
     *
     * <p>Edge cases: a context never seen followed by a token (for example "ran", which only ends the
     * text) gives 0/0, taken as 0.0; a {@code next} never seen after the context gives 0.0.
     *
     * <p>Hint: one pass over the start positions i with i + |context| &lt; N; whenever the window
     * {@code tokens[i, i + |context|)} equals the context, add one to the denominator, and one to the
     * numerator as well if the token right after it is {@code next}.
     *
     * @param tokens the training text
     * @param context the preceding tokens, possibly empty
     * @param next the token whose probability is asked
     * @return P(next | context), in [0, 1]
     */
    public static double mleProbability(List<String> tokens, List<String> context, String next) {
        throw new UnsupportedOperationException("TODO: count the context followed by any token (denominator) and by next (numerator); 0/0 is 0.0");
    }

    /**
     * Exercise 3: add-k (Lidstone) smoothing of P(next | context); k = 1 is Laplace smoothing.
     *
     * <p>Formula: P(next | context) = (c(context + next) + k) / (c(context •) + k·V), with the counts of
     * exercise 2 and V the vocabulary size. Every one of the V possible next tokens gets k pseudo-counts,
     * so nothing has probability zero, and the V probabilities still sum to 1. Running example with
     * k = 1, V = 6: P(cat | the) = (2 + 1) / (3 + 6) = 1/3, and an unseen context gives 1/V.
     *
     * <p>Edge cases: {@code k < 0} or {@code vocabularySize < 1} throws {@link IllegalArgumentException};
     * k = 0 gives back the maximum likelihood estimate (including 0/0 taken as 0.0).
     *
     * <p>Hint: count exactly as in exercise 2, then add k on top and k·V below.
     *
     * @param tokens the training text
     * @param context the preceding tokens, possibly empty
     * @param next the token whose probability is asked
     * @param k the pseudo-count added to every possible next token, at least 0
     * @param vocabularySize V, the number of possible next tokens, at least 1
     * @return the smoothed P(next | context)
     * @throws IllegalArgumentException if {@code k < 0} or {@code vocabularySize < 1}
     */
    public static double addKProbability(List<String> tokens, List<String> context, String next,
                                         double k, int vocabularySize) {
        throw new UnsupportedOperationException("TODO: validate k and V, then (c(context + next) + k) / (c(context followed by anything) + k * V)");
    }

    /**
     * Exercise 4: a linearly interpolated bigram model (Jelinek-Mercer).
     *
     * <p>Formula: P(next | previous) = λ0·(1/V) + λ1·P_MLE(next) + λ2·P_MLE(next | previous), mixing a
     * uniform distribution, the unigram estimate and the bigram estimate of exercise 2. Because each
     * part sums to 1 over the vocabulary and the λs sum to 1, so does the mixture; and with λ0 &gt; 0
     * no token has probability zero. Running example with λ = (0.2, 0.3, 0.5) and V = 6:
     * P(cat | the) = 0.2/6 + 0.3·2/9 + 0.5·2/3 = 13/30.
     *
     * <p>This is the simple version: an unseen {@code previous} just contributes 0 through λ2 (its
     * weight is not handed to the other two parts), so such rows sum to less than 1.
     *
     * <p>Edge cases: {@code lambdas} must have length 3, every λ must be ≥ 0, and they must sum to 1
     * within 1e-9, else {@link IllegalArgumentException}; so must {@code vocabularySize < 1}.
     *
     * <p>Hint: reuse {@code mleProbability} with {@code List.of()} and {@code List.of(previous)}.
     *
     * @param tokens the training text
     * @param previous the preceding token
     * @param next the token whose probability is asked
     * @param lambdas the weights λ0 (uniform), λ1 (unigram), λ2 (bigram)
     * @param vocabularySize V, the number of possible tokens, at least 1
     * @return the interpolated P(next | previous)
     * @throws IllegalArgumentException if the lambdas or the vocabulary size are invalid
     */
    public static double interpolatedBigram(List<String> tokens, String previous, String next,
                                            double[] lambdas, int vocabularySize) {
        throw new UnsupportedOperationException("TODO: validate the lambdas, then mix 1/V, mleProbability(tokens, List.of(), next) and the bigram estimate");
    }

    /**
     * Exercise 5: Kneser-Ney's continuation probability of a word.
     *
     * <p>Formula: P_cont(word) = |{v : c(v word) &gt; 0}| / |{(v, w) : c(v w) &gt; 0}|, the number of
     * distinct tokens that precede {@code word} in some bigram, divided by the number of distinct
     * bigram types in the text. It asks "how likely is this word to appear in a new context?" rather
     * than "how frequent is it?": in "san francisco" text, "francisco" may be frequent but always
     * follows "san", so its continuation probability is small. Running example: the seven bigram types
     * give P_cont(the) = 2/7 (after "on" and "mat") and P_cont(cat) = 1/7 (only after "the").
     * Summed over all words, the continuation probabilities make 1.
     *
     * <p>Edge cases: a word that never ends a bigram, and a text with fewer than two tokens (no bigram
     * at all, 0/0 taken as 0), give 0.0.
     *
     * <p>Hint: the key set of {@code countNgrams(tokens, 2)} is the set of bigram types; count those
     * whose second token is {@code word}.
     *
     * @param tokens the training text
     * @param word the word whose continuation probability is asked
     * @return P_cont(word), in [0, 1]
     */
    public static double continuationProbability(List<String> tokens, String word) {
        throw new UnsupportedOperationException("TODO: count the bigram types (keys of countNgrams(tokens, 2)) that end in word, over all bigram types");
    }

    /**
     * Exercise 6: the perplexity of a model on a held-out text.
     *
     * <p>Formula: given the probabilities p_1, ..., p_N that the model gave to each of the N tokens of
     * the text, perplexity = exp(−(1/N) Σ ln p_i), the inverse of the geometric mean probability. A
     * model that gives every token probability 1/V has perplexity V: it is "as confused as" a uniform
     * choice among V tokens. Lower is better; 1 is perfect. Example: {0.5, 0.125} gives 4.
     *
     * <p>Edge cases: an empty array, or any probability that is NaN or outside [0, 1], throws
     * {@link IllegalArgumentException} (all values are checked first); otherwise any probability of
     * exactly 0 gives {@link Double#POSITIVE_INFINITY}.
     *
     * <p>Hint: add logarithms rather than multiplying probabilities: a product of a few hundred
     * probabilities underflows to 0.0 in a {@code double}.
     *
     * @param probabilities the model's probability of each held-out token, in order
     * @return the perplexity, at least 1, possibly infinite
     * @throws IllegalArgumentException if the array is empty or holds a value that is not a probability
     */
    public static double perplexity(double[] probabilities) {
        throw new UnsupportedOperationException("TODO: check every value first, then return exp(-(sum of ln p) / N), or infinity if some p is 0");
    }

    /**
     * Exercise 7: draws an index from a discrete distribution by inverse-CDF sampling.
     *
     * <p>Formula: with total = Σ p_j, return the smallest index i such that the cumulative sum
     * p_0 + ... + p_i &gt; u·total. Picture the weights as consecutive segments of a line of length
     * total; u·total is a point on that line, and the answer is the segment it falls in. For weights
     * {1, 0, 3} (total 4): u = 0.2 gives 0, u = 0.25 gives 2, u = 0.9 gives 2.
     *
     * <p>Edge cases: the weights need not sum to 1, but each must be finite and ≥ 0 and the total must
     * be positive, and {@code u} must be in [0, 1); else {@link IllegalArgumentException} (an empty
     * array has no positive total). A zero-weight entry is never chosen, not even for u = 0: the strict
     * "&gt;" skips it. If rounding leaves every cumulative sum ≤ u·total, return the last index with a
     * positive weight.
     *
     * <p>Hint: one loop that keeps a running sum; {@code new SplittableRandom(seed).nextDouble()} gives
     * a u in [0, 1).
     *
     * @param probabilities the weights of the indices 0, 1, ..., length − 1
     * @param u a uniform random number in [0, 1)
     * @return the chosen index
     * @throws IllegalArgumentException on invalid weights or u
     */
    public static int sampleIndex(double[] probabilities, double u) {
        throw new UnsupportedOperationException("TODO: keep a running sum of the weights and return the first index where it exceeds u * total");
    }

    /**
     * Exercise 8: generates text from a bigram table, reproducibly from a seed.
     *
     * <p>The table maps a previous token to its next tokens and their probabilities (weights). Start
     * with {@code current = start} and one {@code new SplittableRandom(seed)}; then, at each step, take
     * the entries of {@code bigramTable.get(current)} in their iteration order, draw an index with
     * {@code sampleIndex(weights, rng.nextDouble())}, and move to that next token. Stop when the drawn
     * token is {@code end} (which is not included) or when {@code maxTokens} tokens have been generated
     * (then no further draw is made). One {@code nextDouble()} per draw, from that one generator, so
     * the same seed always gives the same list.
     *
     * <p>Edge cases: {@code maxTokens < 0} throws {@link IllegalArgumentException}; {@code maxTokens == 0}
     * gives an empty list; a current token with no entry (or an empty one) in the table throws
     * {@link IllegalStateException} whose message names that token.
     *
     * <p>Hint: copy the entries of the current row into a {@code List<String>} of tokens and a
     * {@code double[]} of weights, in the same order, then call {@code sampleIndex}.
     *
     * @param bigramTable previous token → (next token → probability)
     * @param start the token before the first generated one (for example {@code "<s>"}), not returned
     * @param end the token that ends the text (for example {@code "</s>"}), not returned
     * @param seed the seed of the random generator
     * @param maxTokens the most tokens to generate, at least 0
     * @return the generated tokens, without {@code start} and {@code end}
     * @throws IllegalArgumentException if {@code maxTokens < 0}
     * @throws IllegalStateException if a token reached has no table entry
     */
    public static List<String> generate(Map<String, Map<String, Double>> bigramTable, String start, String end,
                                        long seed, int maxTokens) {
        throw new UnsupportedOperationException("TODO: one new SplittableRandom(seed); per step sampleIndex(weights of the current row, rng.nextDouble())");
    }
}
