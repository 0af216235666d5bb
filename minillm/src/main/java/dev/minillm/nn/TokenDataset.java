package dev.minillm.nn;

import dev.minillm.common.Corpus;
import dev.minillm.tokenize.Tokenizer;

import java.util.Arrays;

/**
 * A token stream cut into a training part and a held-out validation part, as nanoGPT's
 * {@code train.bin} and {@code val.bin}: the first (1 - f) of the tokens train, the last f
 * validate. The validation loss measures what the model learned about the language, not about
 * these particular sentences; when it rises while the training loss falls, the model overfits (过拟合).
 */
public final class TokenDataset {

    private final int[] train, validation;
    private final int vocabSize;

    private TokenDataset(int[] train, int[] validation, int vocabSize) {
        this.train = train;
        this.validation = validation;
        this.vocabSize = vocabSize;
    }

    /**
     * Splits {@code tokens} (not copied) at position ⌊(1 - validationFraction)·n⌋.
     *
     * @throws IllegalArgumentException if the fraction is not in (0, 0.5], a part would be empty,
     *     or an id is outside [0, vocabSize)
     */
    public static TokenDataset split(int[] tokens, int vocabSize, double validationFraction) {
        if (!(validationFraction > 0 && validationFraction <= 0.5)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 0.5], got " + validationFraction);
        }
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException("token " + i + " has id " + tokens[i] + ", outside a vocabulary of "
                        + vocabSize + " ids: pass the vocabSize() of the tokenizer that encoded the text");
            }
        }
        int cut = (int) Math.floor((1 - validationFraction) * tokens.length);
        if (cut < 2 || tokens.length - cut < 2) {
            throw new IllegalArgumentException("cannot split " + tokens.length + " tokens into training and validation "
                    + "parts of at least 2 tokens each: give more text");
        }
        return new TokenDataset(Arrays.copyOfRange(tokens, 0, cut), Arrays.copyOfRange(tokens, cut, tokens.length),
                vocabSize);
    }

    /** The corpus encoded with the tokenizer (documents joined by blank lines), then {@link #split}. */
    public static TokenDataset encode(Corpus corpus, Tokenizer tokenizer, double validationFraction) {
        return split(tokenizer.encode(corpus.text()), tokenizer.vocabSize(), validationFraction);
    }

    /** The training tokens (the array itself: do not change it). */
    public int[] train() {
        return train;
    }

    /** The validation tokens (the array itself: do not change it). */
    public int[] validation() {
        return validation;
    }

    /** The number of token ids (all ids are below it). */
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public String toString() {
        return "TokenDataset(train=" + train.length + " tokens, validation=" + validation.length
                + " tokens, vocabulary=" + vocabSize + ")";
    }
}
