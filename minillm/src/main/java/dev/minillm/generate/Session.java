package dev.minillm.generate;

/**
 * One sequence being decoded. Tokens go in with {@link #append}; out come, for each of them, the
 * logits of the next token. {@link #truncate} takes tokens back off the end, which beam search and
 * speculative decoding need when a guess is rejected.
 *
 * <p>When the sequence grows past the model's {@link CausalModel#contextLength()}, the logits are
 * those of the last contextLength tokens (a sliding window), as in {@code GPT.generate}.
 */
public interface Session {

    /**
     * Appends {@code tokens} and returns their next-token logits.
     *
     * @return (n, V): row i scores the token after {@code tokens[i]}, given everything before it
     * @throws IllegalArgumentException if no token is given or an id is outside the vocabulary
     */
    float[][] append(int... tokens);

    /**
     * Removes tokens from the end so that {@code length() == newLength}.
     *
     * @throws IllegalArgumentException if newLength is negative or more than {@link #length()}
     */
    void truncate(int newLength);

    /** The number of tokens appended and not truncated. */
    int length();

    /** A copy of the tokens appended and not truncated. */
    int[] tokens();
}
