package dev.minillm.position;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.PositionEncoding;

/**
 * Rotary position embedding, RoPE (旋转位置编码; Su et al., 2021), as in Llama: the head's
 * hs dimensions are taken as hs/2 pairs, and at position p pair i is turned by the angle
 * p·θ_i, with θ_i = theta^(-2i/hs):
 * <pre>
 *   (a, b) → (a·cos(pθ_i) - b·sin(pθ_i),  a·sin(pθ_i) + b·cos(pθ_i))
 * </pre>
 * Queries and keys are turned, values are not. A dot product of two turned vectors depends only on
 * the difference of their angles: q at position m and k at position n give
 * R(mθ)q · R(nθ)k = q · R((n-m)θ)k, a function of the offset n - m alone. So the scores are
 * relative, while each vector is still encoded by its absolute position.
 *
 * <p>Two conventions pair the dimensions differently; both are the same model up to a
 * permutation of the q and k projection rows ({@link #halfFromInterleaved}):
 * {@link Convention#INTERLEAVED} (the RoPE paper, Meta's Llama, llama2.c) pairs (2i, 2i+1),
 * {@link Convention#HALF} (Hugging Face's {@code rotate_half}) pairs (i, i + hs/2).
 *
 * <p>Position interpolation (Chen et al., 2023): with {@code scale} s &gt; 1 the angles are those
 * of position p / s, so a model trained on L positions sees 0..sL-1 squeezed into the angles it knows.
 *
 * @see #rotate(Tensor, int)
 */
public final class RotaryPositions extends PositionEncoding {

    /** Llama 1 and 2's base. */
    public static final double THETA = 10_000;

    /** Which dimensions make up the pair that turns together. */
    public enum Convention {
        /** Pairs (2i, 2i+1): the paper, Meta's Llama, llama2.c. */
        INTERLEAVED,
        /** Pairs (i, i + hs/2): Hugging Face's {@code rotate_half}. */
        HALF;

        /** The first dimension of pair i in a head of size hs. */
        int first(int pair, int headSize) {
            return this == INTERLEAVED ? 2 * pair : pair;
        }

        /** The second dimension of pair i in a head of size hs. */
        int second(int pair, int headSize) {
            return this == INTERLEAVED ? 2 * pair + 1 : pair + headSize / 2;
        }
    }

    private final int headSize;
    private final double theta, scale;
    private final Convention convention;
    private final double[] frequencies; // θ_i, (hs/2)

    /**
     * RoPE for heads of {@code headSize} dimensions.
     *
     * @param theta the base of the frequencies (10,000 in Llama 2, 500,000 in Llama 3)
     * @param scale position interpolation: angles of position p / scale (1: none)
     * @throws IllegalArgumentException if headSize is odd (dimensions turn in pairs), theta ≤ 1 or scale &lt; 1
     */
    public RotaryPositions(int headSize, double theta, double scale, Convention convention) {
        if (headSize < 2 || headSize % 2 != 0) {
            throw new IllegalArgumentException("RotaryPositions: the head size must be even, got " + headSize
                    + "; RoPE turns the dimensions in pairs, so choose embeddingDim / heads even");
        }
        if (!(theta > 1) || !(scale >= 1) || convention == null) {
            throw new IllegalArgumentException("RotaryPositions: need theta > 1, scale >= 1 and a convention, got theta="
                    + theta + ", scale=" + scale + ", convention=" + convention);
        }
        this.headSize = headSize;
        this.theta = theta;
        this.scale = scale;
        this.convention = convention;
        this.frequencies = frequencies(headSize, theta);
    }

    /** RoPE with theta 10,000, no interpolation, interleaved pairs. */
    public RotaryPositions(int headSize) {
        this(headSize, THETA, 1, Convention.INTERLEAVED);
    }

    /** θ_i = theta^(-2i/hs) for i = 0 .. hs/2-1: pair 0 turns a radian per position, the last pair slowest. */
    public static double[] frequencies(int headSize, double theta) {
        double[] frequencies = new double[headSize / 2];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = Math.pow(theta, -2.0 * i / headSize);
        }
        return frequencies;
    }

    /** The angle of pair i at position p: (p / scale)·θ_i. */
    public double angle(int position, int pair) {
        return position / scale * frequencies[pair];
    }

    @Override
    public boolean rotates() {
        return true;
    }

    /**
     * Queries or keys (..., T, hs) at positions offset .. offset+T-1, each pair turned by its angle;
     * differentiable (the gradient is turned back by the same angles).
     */
    @Override
    public Tensor rotate(Tensor x, int offset) {
        if (x.rank() < 2 || x.shape(-1) != headSize) {
            throw new IllegalArgumentException("RotaryPositions: expected (..., T, " + headSize + "), got shape "
                    + java.util.Arrays.toString(x.shape()) + (x.rank() >= 1 && x.shape(-1) % 2 != 0
                    ? "; an odd head size cannot be split into pairs" : ""));
        }
        int t = x.shape(-2);
        float[][] cosSin = table(offset, t);
        float[] in = x.toArray();                       // row-major, whatever the view
        float[] out = turn(in, cosSin, t, +1);
        return Autograd.custom("rope", Tensor.of(out, x.shape()), grad -> new float[][] {
                turn(grad, cosSin, t, -1)}, x);
    }

    /** cos and sin of every (position, pair): two (T·hs/2) arrays. */
    private float[][] table(int offset, int length) {
        int pairs = headSize / 2;
        float[] cos = new float[length * pairs], sin = new float[length * pairs];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < pairs; i++) {
                double angle = angle(offset + p, i);
                cos[p * pairs + i] = (float) Math.cos(angle);
                sin[p * pairs + i] = (float) Math.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }

    /** Every pair of every row turned by +angle (direction 1) or -angle (-1, the transpose, for the gradient). */
    private float[] turn(float[] in, float[][] cosSin, int length, int direction) {
        int pairs = headSize / 2;
        float[] out = new float[in.length];
        for (int row = 0; row < in.length / headSize; row++) {
            int base = row * headSize, p = row % length;
            for (int i = 0; i < pairs; i++) {
                float c = cosSin[0][p * pairs + i], s = direction * cosSin[1][p * pairs + i];
                int a = base + convention.first(i, headSize), b = base + convention.second(i, headSize);
                out[a] = in[a] * c - in[b] * s;
                out[b] = in[a] * s + in[b] * c;
            }
        }
        return out;
    }

    /**
     * The permutation that takes a head laid out for {@link Convention#INTERLEAVED} to
     * {@link Convention#HALF}: new dimension j is old dimension perm[j], so the pair (2i, 2i+1)
     * lands at (i, i + hs/2). Applied to the rows of W_q and W_k (head by head, {@link #permuteRows}),
     * it converts Meta's Llama weights to Hugging Face's, as their conversion script does.
     */
    public static int[] halfFromInterleaved(int headSize) {
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("RotaryPositions: the head size must be even, got " + headSize);
        }
        int half = headSize / 2;
        int[] perm = new int[headSize];
        for (int j = 0; j < headSize; j++) {
            perm[j] = j < half ? 2 * j : 2 * (j - half) + 1;
        }
        return perm;
    }

    /**
     * A projection weight (heads·hs, in) with each head's rows reordered: new row h·hs + j is old
     * row h·hs + perm[j]. Use with {@link #halfFromInterleaved} on W_q and W_k.
     */
    public static Tensor permuteRows(Tensor weight, int heads, int[] perm) {
        int rows = weight.shape(0), headSize = perm.length;
        if (rows != heads * headSize) {
            throw new IllegalArgumentException("RotaryPositions.permuteRows: " + rows + " rows are not " + heads
                    + " heads of " + headSize);
        }
        int[] order = new int[rows];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < headSize; j++) {
                order[h * headSize + j] = h * headSize + perm[j];
            }
        }
        return weight.indexSelect(0, order);
    }

    /** The head size. */
    public int headSize() {
        return headSize;
    }

    /** The base of the frequencies. */
    public double theta() {
        return theta;
    }

    /** The position interpolation factor (1: none). */
    public double scale() {
        return scale;
    }

    /** Which dimensions pair up. */
    public Convention convention() {
        return convention;
    }

    @Override
    protected String describe() {
        return "hs=" + headSize + ", theta=" + theta + ", scale=" + scale + ", " + convention;
    }
}
