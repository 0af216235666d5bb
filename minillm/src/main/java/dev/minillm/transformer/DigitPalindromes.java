package dev.minillm.transformer;

import dev.minillm.nn.BatchSampler;

import java.util.SplittableRandom;

/**
 * A synthetic masked-LM task for a {@link MaskedLanguageModel}: strings of random digits followed
 * by their mirror image ("3172" + "2713"). A masked digit in the first half can only be recovered
 * from its twin in the second half, to its right: a model that reads one direction cannot do it.
 * Ids 0-9 are the digits and 10 is [MASK].
 *
 * @param half the number of random digits; the strings have twice as many
 */
public record DigitPalindromes(int half) {

    /** The vocabulary: ten digits and [MASK]. */
    public static final int VOCAB_SIZE = 11;
    /** The id of [MASK]. */
    public static final int MASK = 10;

    /** Checks that the length is positive. */
    public DigitPalindromes {
        if (half < 1) {
            throw new IllegalArgumentException("DigitPalindromes: half must be positive, got " + half);
        }
    }

    /** {@code count} palindromes of 2·half digits from {@code new SplittableRandom(seed)}. */
    public int[][] strings(int count, long seed) {
        var random = new SplittableRandom(seed);
        int[][] rows = new int[count][2 * half];
        for (int[] row : rows) {
            for (int i = 0; i < half; i++) {
                row[i] = row[2 * half - 1 - i] = random.nextInt(10);
            }
        }
        return rows;
    }

    /** Masked batches of fresh palindromes for the {@link dev.minillm.nn.Trainer}; batch s depends only on seed and s. */
    public BatchSampler batches(int batchSize, long seed) {
        return step -> MaskedLanguageModel.mask(strings(batchSize, seed * 1_000_003 + step), MASK,
                new SplittableRandom(seed * 31 + step));
    }
}
