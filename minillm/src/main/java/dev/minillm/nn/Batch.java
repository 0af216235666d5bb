package dev.minillm.nn;

/**
 * A batch of training examples for a language model: B rows of T token ids, and for each
 * position the id that comes next in the text. For a window {@code w} of T + 1 tokens,
 * {@code inputs[b] = w[0..T)} and {@code targets[b] = w[1..T]}: every position is a
 * next-token prediction, so one row of length T holds T examples.
 *
 * <p>A target may be {@link #IGNORE}: that position counts neither in the loss nor in its mean
 * (later chapters mask prompts this way).
 *
 * @param inputs (B, T) token ids the model reads
 * @param targets (B, T) the next token at each position, or {@link #IGNORE}
 * @param continues true when row b carries on the text exactly where row b of the previous batch
 *     stopped ({@link BatchSampler.ContiguousStreams}): a recurrent model may then start from the
 *     hidden state it ended with (truncated backpropagation through time)
 */
public record Batch(int[][] inputs, int[][] targets, boolean continues) {

    /** The target that is skipped by the loss (PyTorch's default {@code ignore_index}). */
    public static final int IGNORE = -100;

    /** Checks that inputs and targets have the same shape, with at least one row of at least one token. */
    public Batch {
        if (inputs.length == 0 || inputs.length != targets.length) {
            throw new IllegalArgumentException("Batch: needs the same number (> 0) of input and target rows, got "
                    + inputs.length + " and " + targets.length);
        }
        int length = inputs[0].length;
        for (int b = 0; b < inputs.length; b++) {
            if (inputs[b].length != length || targets[b].length != length || length == 0) {
                throw new IllegalArgumentException("Batch: row " + b + " has " + inputs[b].length + " inputs and "
                        + targets[b].length + " targets; every row needs the same length (> 0) as row 0 (" + length + ")");
            }
        }
    }

    /** A batch of independent rows (no state is carried over from a previous batch). */
    public static Batch of(int[][] inputs, int[][] targets) {
        return new Batch(inputs, targets, false);
    }

    /** B, the number of rows. */
    public int batchSize() {
        return inputs.length;
    }

    /** T, the number of positions per row. */
    public int length() {
        return inputs[0].length;
    }

    /** B·T, the number of token positions (what tokens per second counts). */
    public int tokens() {
        return inputs.length * inputs[0].length;
    }

    /** The targets row after row, (B·T): what {@code crossEntropy} takes for (B·T, V) logits. */
    public int[] flatTargets() {
        int length = length();
        int[] flat = new int[batchSize() * length];
        for (int b = 0; b < batchSize(); b++) {
            System.arraycopy(targets[b], 0, flat, b * length, length);
        }
        return flat;
    }

    /**
     * Checks every input and target id against a vocabulary of {@code vocabSize} ids.
     *
     * @throws IllegalArgumentException naming the first id outside [0, vocabSize)
     */
    public void checkVocabulary(int vocabSize) {
        for (int b = 0; b < batchSize(); b++) {
            for (int t = 0; t < length(); t++) {
                int x = inputs[b][t], y = targets[b][t];
                if (x < 0 || x >= vocabSize || (y != IGNORE && (y < 0 || y >= vocabSize))) {
                    int bad = x < 0 || x >= vocabSize ? x : y;
                    throw new IllegalArgumentException("token id " + bad + " (row " + b + ", position " + t
                            + ") is outside the model's vocabulary of " + vocabSize + " ids: was the data encoded "
                            + "with another tokenizer? Build the model with that tokenizer's vocabSize()");
                }
            }
        }
    }
}
