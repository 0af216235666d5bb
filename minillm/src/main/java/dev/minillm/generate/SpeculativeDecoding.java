package dev.minillm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Speculative decoding (投机解码; Leviathan et al., 2023; Chen et al., 2023): a cheap {@link Drafter}
 * guesses γ tokens, and the large target model checks all of them in ONE call — a Transformer scores
 * every position of its input at once, so checking γ tokens costs about as much as generating one.
 *
 * <p>Guess i, drawn from the draft distribution q, is accepted with probability min(1, p(x)/q(x))
 * where p is the target's distribution at that position. At the first rejection the token is drawn
 * instead from the leftover distribution normalise(max(0, p − q)), and the rest of the guesses are
 * dropped; if all γ are accepted the target's next distribution gives one more token for free. This
 * rule makes every token distributed exactly as if the target had sampled it alone: speculative
 * decoding is faster, not different. With greedy settings it gives exactly the target's greedy text.
 */
public final class SpeculativeDecoding {

    /**
     * The outcome of one generation.
     *
     * @param tokens the new tokens
     * @param proposed how many guesses were checked
     * @param accepted how many of them the target accepted
     * @param targetCalls target model calls (the expensive ones)
     * @param draftCalls draft model calls (0 for prompt lookup)
     */
    public record Result(int[] tokens, int proposed, int accepted, int targetCalls, int draftCalls) {
        /** accepted / proposed. */
        public double acceptanceRate() {
            return proposed == 0 ? 0 : (double) accepted / proposed;
        }

        /** New tokens per target call: 1 for plain decoding, up to γ + 1 here. */
        public double tokensPerTargetCall() {
            return (double) tokens.length / targetCalls;
        }
    }

    private final CausalModel target;
    private final Drafter drafter;
    private final int gamma;

    /**
     * @param gamma guesses per round, ≥ 1
     * @throws IllegalArgumentException if a draft model's vocabulary differs from the target's
     */
    public SpeculativeDecoding(CausalModel target, Drafter drafter, int gamma) {
        if (gamma < 1) {
            throw new IllegalArgumentException("SpeculativeDecoding: gamma (guesses per round) must be >= 1, got " + gamma);
        }
        if (drafter instanceof Drafter.DraftModel draft && draft.model().vocabSize() != target.vocabSize()) {
            throw new IllegalArgumentException("SpeculativeDecoding: the draft model has " + draft.model().vocabSize()
                    + " tokens and the target " + target.vocabSize() + "; both must use the same tokenizer");
        }
        this.target = target;
        this.drafter = drafter;
        this.gamma = gamma;
    }

    /** Extends {@code prompt} by {@code maxNewTokens} tokens chosen with {@code settings}; the same seed, the same result. */
    public Result generate(int[] prompt, int maxNewTokens, SamplerSettings settings, long seed) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("SpeculativeDecoding: the prompt is empty; start with at least one token");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("SpeculativeDecoding: maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        RandomGenerator random = new SplittableRandom(seed);
        Session session = target.start();
        int[] sequence = prompt.clone();
        int proposed = 0, accepted = 0, targetCalls = 0, draftCallsBefore = drafter.modelCalls();
        while (sequence.length - prompt.length < maxNewTokens) {
            int left = maxNewTokens - (sequence.length - prompt.length);
            Drafter.Draft draft = drafter.propose(sequence, Math.min(gamma, left), settings, random);
            int[] guesses = draft.tokens();
            float[][] p = verify(session, sequence, guesses);          // γ' + 1 target rows, in one call
            targetCalls++;
            int[] history = Arrays.copyOf(sequence, sequence.length + guesses.length + 1);
            int n = sequence.length, next = -1;
            for (int i = 0; i < guesses.length && next < 0; i++) {
                float[] target = Sampler.distribution(p[i], settings, Arrays.copyOf(history, n));
                float[] q = draft.q()[i] != null ? draft.q()[i] : oneHot(guesses[i], target.length);
                int x = guesses[i];
                proposed++;
                if (random.nextDouble() < Math.min(1.0, target[x] / (double) q[x])) {
                    history[n++] = x;                                  // accepted
                    accepted++;
                } else {
                    next = Sampler.draw(leftover(target, q), random);  // rejected: draw from max(0, p − q)
                }
            }
            if (next < 0) {                                            // all accepted: one more from the target
                next = Sampler.draw(Sampler.distribution(p[guesses.length], settings, Arrays.copyOf(history, n)), random);
            }
            history[n++] = next;
            sequence = Arrays.copyOf(history, n);
        }
        int[] tokens = Arrays.copyOfRange(sequence, prompt.length, Math.min(sequence.length, prompt.length + maxNewTokens));
        return new Result(tokens, proposed, accepted, targetCalls, drafter.modelCalls() - draftCallsBefore);
    }

    /**
     * Brings the target's session to {@code sequence} followed by the guesses, in one call, and
     * returns the target's logits at the positions that predict guess 0, 1, ..., γ' and the token after.
     */
    private static float[][] verify(Session session, int[] sequence, int[] guesses) {
        int[] extended = Arrays.copyOf(sequence, sequence.length + guesses.length);
        System.arraycopy(guesses, 0, extended, sequence.length, guesses.length);
        int keep = Math.min(commonPrefix(session.tokens(), sequence), sequence.length - 1);
        session.truncate(keep);                                      // drop rejected guesses of the last round
        float[][] rows = session.append(Arrays.copyOfRange(extended, keep, extended.length));
        return Arrays.copyOfRange(rows, rows.length - guesses.length - 1, rows.length);
    }

    /** Rolls {@code session} back to the longest common prefix with {@code sequence}, appends the rest, returns the last logits. */
    static float[] catchUp(Session session, int[] sequence) {
        int keep = Math.min(commonPrefix(session.tokens(), sequence), sequence.length - 1);
        session.truncate(keep);
        float[][] rows = session.append(Arrays.copyOfRange(sequence, keep, sequence.length));
        return rows[rows.length - 1];
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length), i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** normalise(max(0, p − q)): what p has that q over-proposed; p itself if nothing is left (p ≤ q everywhere by rounding). */
    public static float[] leftover(float[] p, float[] q) {
        float[] r = new float[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            r[i] = Math.max(0f, p[i] - q[i]);
            sum += r[i];
        }
        return sum > 0 ? Sampler.normalise(r) : p;
    }

    private static float[] oneHot(int token, int size) {
        float[] q = new float[size];
        q[token] = 1f;
        return q;
    }
}
