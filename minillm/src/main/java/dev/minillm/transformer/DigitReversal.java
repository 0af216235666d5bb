package dev.minillm.transformer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A synthetic sequence-to-sequence task for an {@link EncoderDecoder}: read a string of digits,
 * write it backwards ("20251124" → "42115202"). Ids 0-9 are the digits and 10 starts the decoder.
 * One string in five is held out: training never sees it, so the held-out score measures whether the
 * model learned to reverse, not to remember.
 *
 * @param length the number of digits
 */
public record DigitReversal(int length) {

    /** The vocabulary: ten digits and the start token. */
    public static final int VOCAB_SIZE = 11;
    /** The token that starts every decoder input. */
    public static final int START = 10;

    /** Checks that the length is positive. */
    public DigitReversal {
        if (length < 1) {
            throw new IllegalArgumentException("DigitReversal: length must be positive, got " + length);
        }
    }

    /** {@code count} training examples (never a held-out string) drawn from {@code new SplittableRandom(seed)}. */
    public EncoderDecoder.Examples training(int count, long seed) {
        return examples(count, seed, false);
    }

    /** {@code count} held-out examples drawn from {@code new SplittableRandom(seed)}. */
    public EncoderDecoder.Examples heldOut(int count, long seed) {
        return examples(count, seed, true);
    }

    private EncoderDecoder.Examples examples(int count, long seed, boolean heldOut) {
        var random = new SplittableRandom(seed);
        int[][] source = new int[count][], target = new int[count][];
        for (int i = 0; i < count; i++) {
            do {
                source[i] = random.ints(length, 0, 10).toArray();
            } while (isHeldOut(source[i]) != heldOut);
            target[i] = reverse(source[i]);
        }
        return new EncoderDecoder.Examples(source, target);
    }

    /** Whether a string belongs to the held-out fifth. */
    static boolean isHeldOut(int[] digits) {
        return Math.floorMod(Arrays.hashCode(digits) * 0x9E3779B9, 5) == 0;
    }

    static int[] reverse(int[] digits) {
        int[] reversed = new int[digits.length];
        for (int i = 0; i < digits.length; i++) {
            reversed[i] = digits[digits.length - 1 - i];
        }
        return reversed;
    }
}
