package dev.minillm.tensor;

import java.util.random.RandomGenerator;

/**
 * Dropout (随机失活) as a layer: active in training mode, the identity after {@link Layer#eval()}.
 * Its masks come from the generator it was given, so a seeded run repeats exactly.
 */
public final class Dropout extends Layer {

    private final float p;
    private final RandomGenerator random;

    /** Drops each element with probability {@code p}. */
    public Dropout(float p, RandomGenerator random) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = random;
    }

    /** x with dropout applied in training mode; x itself in evaluation mode. */
    public Tensor forward(Tensor x) {
        return isTraining() ? x.dropout(p, random) : x;
    }

    @Override
    protected String describe() {
        return "p=" + p;
    }
}
