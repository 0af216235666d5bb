package dev.minillm.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Where the guesses of {@link SpeculativeDecoding} come from: a small draft model, or the text
 * itself (prompt lookup).
 */
public sealed interface Drafter permits Drafter.DraftModel, Drafter.PromptLookup {

    /**
     * Up to {@code gamma} guessed next tokens after {@code sequence}, each with the distribution it
     * was drawn from (q), which the verification step needs.
     *
     * @param tokens the guesses, possibly fewer than gamma (none when there is nothing to guess from)
     * @param q q[i] is the draft distribution tokens[i] was drawn from
     */
    record Draft(int[] tokens, float[][] q) {}

    /** The guesses after {@code sequence}, drawn with {@code settings} from {@code random}. */
    Draft propose(int[] sequence, int gamma, SamplerSettings settings, RandomGenerator random);

    /** How many times the drafter ran a model (0 for prompt lookup). */
    int modelCalls();

    /** A draft model: a smaller, faster model with the same vocabulary writes the guesses, one call per token. */
    static DraftModel model(CausalModel draft) {
        return new DraftModel(draft);
    }

    /** Prompt lookup: copy what followed the last earlier occurrence of the text's last {@code maxNgram}..1 tokens. */
    static PromptLookup promptLookup(int maxNgram) {
        return new PromptLookup(maxNgram);
    }

    /** Guesses from a draft model, which keeps its session between rounds and rolls it back as needed. */
    final class DraftModel implements Drafter {
        private final CausalModel model;
        private Session session;
        private int calls;

        DraftModel(CausalModel model) {
            this.model = model;
        }

        /** The draft model. */
        public CausalModel model() {
            return model;
        }

        @Override
        public Draft propose(int[] sequence, int gamma, SamplerSettings settings, RandomGenerator random) {
            if (session == null) {
                session = model.start();
            }
            float[] logits = SpeculativeDecoding.catchUp(session, sequence);
            calls++;
            int[] tokens = new int[gamma];
            float[][] q = new float[gamma][];
            int[] history = Arrays.copyOf(sequence, sequence.length + gamma);
            for (int i = 0; i < gamma; i++) {
                q[i] = Sampler.distribution(logits, settings, Arrays.copyOf(history, sequence.length + i));
                tokens[i] = Sampler.draw(q[i], random);
                history[sequence.length + i] = tokens[i];
                if (i + 1 < gamma) {
                    logits = session.append(tokens[i])[0];
                    calls++;
                }
            }
            return new Draft(tokens, q);
        }

        @Override
        public int modelCalls() {
            return calls;
        }
    }

    /**
     * Guesses copied from the text itself (Saxena, 2023): if the last n tokens occurred before, the
     * tokens that followed them then are a good guess now — cheap wins when the output quotes the
     * prompt (code editing, summaries, question answering over a document). The guesses are certain
     * (q puts probability 1 on each), so verification accepts each with the target's probability p(x).
     */
    record PromptLookup(int maxNgram) implements Drafter {

        public PromptLookup {
            if (maxNgram < 1) {
                throw new IllegalArgumentException("PromptLookup: maxNgram must be >= 1, got " + maxNgram);
            }
        }

        @Override
        public Draft propose(int[] sequence, int gamma, SamplerSettings settings, RandomGenerator random) {
            int[] tokens = lookup(sequence, maxNgram, gamma);
            float[][] q = new float[tokens.length][];
            return new Draft(tokens, q); // null rows: q is one-hot on the guessed token
        }

        /**
         * The up to {@code gamma} tokens that followed the latest earlier occurrence of the
         * sequence's last n tokens, trying n = maxNgram first and down to 1; none if no n matches.
         */
        public static int[] lookup(int[] sequence, int maxNgram, int gamma) {
            int end = sequence.length;
            for (int n = Math.min(maxNgram, end - 1); n >= 1; n--) {
                for (int start = end - n - 1; start >= 0; start--) {      // latest occurrence first
                    if (Arrays.equals(sequence, start, start + n, sequence, end - n, end)) {
                        int from = start + n;
                        return Arrays.copyOfRange(sequence, from, Math.min(end, from + gamma));
                    }
                }
            }
            return new int[0];
        }

        @Override
        public int modelCalls() {
            return 0;
        }
    }
}
