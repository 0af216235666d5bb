package dev.minillm.position;

import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.PositionEncoding;

/**
 * The fixed positions of "Attention Is All You Need" (Vaswani et al., 2017): position p gets the
 * vector
 * <pre>
 *   PE[p, 2i]   = sin(p / base^(2i/C))
 *   PE[p, 2i+1] = cos(p / base^(2i/C))        base = 10000, i = 0 .. C/2-1
 * </pre>
 * added to its token's embedding. Each pair of dimensions is a clock hand turning at its own
 * speed, from one radian per position (i = 0) to one turn in about 2π·base positions: the fast
 * pairs tell neighbours apart, the slow ones tell the beginning from the middle. Nothing is
 * learned and any position has a vector, but a model trained on positions 0..63 has never seen the
 * vectors of 64 and beyond.
 *
 * <p>The table's entries have size ~1, while a GPT's token embeddings start at N(0, 0.02²): added as
 * they are, the positions would drown the tokens. The paper multiplies the embeddings by √C to
 * balance the two; here, as x-transformers' "scaled sinusoidal" embedding, the table is multiplied
 * by one learned number that starts at 1/√C, so the model itself sets how loud positions are and
 * the tied output head keeps its meaning.
 */
public final class SinusoidalPositions extends PositionEncoding {

    /** The base of the wavelengths, as in the paper. */
    public static final double BASE = 10_000;

    private final Tensor scale; // (1): learned gain on the table

    /** A table of any length for embeddings of size {@code dim}, its gain starting at 1/√dim. */
    public SinusoidalPositions(int dim) {
        this(dim, (float) (1 / Math.sqrt(dim)));
    }

    /** A table with the gain starting at {@code scale} (1: the paper's table as it is). */
    public SinusoidalPositions(int dim, float scale) {
        if (dim < 1 || !(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("SinusoidalPositions: need dim >= 1 and a positive scale, got dim=" + dim
                    + ", scale=" + scale);
        }
        this.scale = parameter("scale", Tensor.vector(scale));
    }

    /**
     * The table for positions 0..length-1 in {@code dim} dimensions, with {@link #BASE}: (length, dim).
     * An odd dim ends with a sine column.
     */
    public static Tensor table(int length, int dim) {
        return table(length, dim, BASE);
    }

    /** The table with another base: (length, dim). */
    public static Tensor table(int length, int dim, double base) {
        if (length < 0 || dim < 1 || !(base > 1)) {
            throw new IllegalArgumentException("SinusoidalPositions: need length >= 0, dim >= 1 and base > 1, got length="
                    + length + ", dim=" + dim + ", base=" + base);
        }
        float[] values = new float[length * dim];
        for (int j = 0; j < dim; j++) {
            double frequency = Math.pow(base, -(j / 2 * 2.0) / dim); // 1 / base^(2i/C), the same for sin and cos of a pair
            for (int p = 0; p < length; p++) {
                double angle = p * frequency;
                values[p * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return Tensor.of(values, length, dim);
    }

    /** (B, T, C) + scale·(rows offset..offset+T-1 of the table); the gradient reaches x and the scale. */
    @Override
    public Tensor embed(Tensor x, int offset) {
        int t = x.shape(1);
        return x.add(table(offset + t, x.shape(2)).slice(0, offset, offset + t).mul(scale));
    }

    /** The learned gain on the table, shape (1). */
    public Tensor scale() {
        return scale;
    }

    @Override
    protected String describe() {
        return "base=" + (long) BASE + ", scale=" + scale.item();
    }
}
