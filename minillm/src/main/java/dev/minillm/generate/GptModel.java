package dev.minillm.generate;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPT;

import java.util.Arrays;

/**
 * Chapter 7's {@link GPT} as a {@link CausalModel}, the plain way: every {@link Session#append}
 * runs the whole window (up to blockSize tokens) through the model again and keeps the last rows.
 * That costs O(T) tokens of work per new token; chapter 10's KV cache removes the repetition.
 * The model is switched to evaluation mode (no dropout) and runs without gradients.
 */
public final class GptModel implements CausalModel {

    private final GPT gpt;

    /** Wraps {@code gpt}, which is put in evaluation mode. */
    public GptModel(GPT gpt) {
        this.gpt = gpt;
        gpt.eval();
    }

    /** The wrapped model. */
    public GPT gpt() {
        return gpt;
    }

    @Override
    public int vocabSize() {
        return gpt.vocabSize();
    }

    @Override
    public int contextLength() {
        return gpt.config().blockSize();
    }

    @Override
    public Session start() {
        return new RecomputeSession();
    }

    /** Keeps the token ids only; each append recomputes the window. */
    private final class RecomputeSession implements Session {
        private int[] tokens = new int[16];
        private int length;

        @Override
        public float[][] append(int... added) {
            if (added.length == 0) {
                throw new IllegalArgumentException("append: no tokens given");
            }
            for (int i = 0; i < added.length; i++) {
                if (added[i] < 0 || added[i] >= vocabSize()) {
                    throw new IllegalArgumentException("append: token id " + added[i] + " at position " + i
                            + " is outside the vocabulary 0.." + (vocabSize() - 1));
                }
            }
            if (length + added.length > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, length + added.length));
            }
            System.arraycopy(added, 0, tokens, length, added.length);
            length += added.length;
            float[][] logits = new float[added.length][];
            int window = contextLength(), first = length - added.length; // first: index of added[0]
            try (var _ = Autograd.noGrad()) {
                // Positions inside the first window share one pass; later ones each see the window that ends at them.
                if (first < window) {
                    int end = Math.min(length, window);
                    Tensor out = gpt.forward(new int[][] {Arrays.copyOf(tokens, end)}).select(0, 0); // (T, V)
                    for (int p = first; p < end; p++) {
                        logits[p - first] = out.select(0, p).toArray();
                    }
                }
                for (int p = Math.max(first, window); p < length; p++) {
                    Tensor out = gpt.forward(new int[][] {Arrays.copyOfRange(tokens, p + 1 - window, p + 1)});
                    logits[p - first] = out.select(0, 0).select(0, window - 1).toArray();
                }
            }
            return logits;
        }

        @Override
        public void truncate(int newLength) {
            if (newLength < 0 || newLength > length) {
                throw new IllegalArgumentException("truncate: new length " + newLength + " is not in 0.." + length);
            }
            length = newLength;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int[] tokens() {
            return Arrays.copyOf(tokens, length);
        }
    }
}
