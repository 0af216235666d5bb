package dev.minillm.position;

import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.PositionEncoding;

/**
 * ALiBi, attention with linear biases (Press et al., 2022): no position vectors at all; instead
 * each head h subtracts m_h times the distance from every attention score,
 * <pre>
 *   score[h, i, j] = q_i·k_j / √hs - m_h · (i - j)        j ≤ i (the causal mask hides j &gt; i)
 * </pre>
 * so a key far behind the query is penalised in proportion to how far. The slopes are a geometric
 * sequence: for n heads (a power of two) m_h = 2^(-8h/n), h = 1..n, so with 8 heads 1/2, 1/4, ..., 1/256.
 * Steep heads look at the last few tokens, gentle ones far back. The penalty is defined for any
 * distance, and longer inputs only add keys with larger penalties, which is why ALiBi extrapolates.
 */
public final class AlibiPositions extends PositionEncoding {

    private final double[] slopes;
    private Tensor cached; // the last bias built, (nh, T, T): every block of a forward pass asks for the same one

    /** ALiBi for {@code heads} heads with {@link #slopes}. */
    public AlibiPositions(int heads) {
        this.slopes = slopes(heads);
    }

    /**
     * The standard slopes for n heads. For n a power of two: 2^(-8/n), 2^(-16/n), ..., 2^(-8).
     * Otherwise (the paper's rule): the slopes of the largest power of two p below n, then every
     * other slope of 2p heads, 2^(-4/p), 2^(-12/p), ..., for the remaining n - p heads.
     */
    public static double[] slopes(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("AlibiPositions: need at least one head, got " + heads);
        }
        int p = Integer.highestOneBit(heads);
        double[] slopes = new double[heads];
        double[] base = powerOfTwoSlopes(p);
        System.arraycopy(base, 0, slopes, 0, p);
        double[] finer = powerOfTwoSlopes(2 * p);
        for (int h = p; h < heads; h++) {
            slopes[h] = finer[2 * (h - p)]; // 2^(-8/(2p)), 2^(-3·8/(2p)), ...: between the slopes already taken
        }
        return slopes;
    }

    private static double[] powerOfTwoSlopes(int n) {
        double[] slopes = new double[n];
        double start = Math.pow(2, -8.0 / n);
        for (int h = 0; h < n; h++) {
            slopes[h] = Math.pow(start, h + 1);
        }
        return slopes;
    }

    /**
     * The bias (nh, T, T): -m_h·(i - j) at query i, key j ≤ i, and 0 above the diagonal, where the
     * causal mask hides the keys anyway.
     */
    public static Tensor bias(double[] slopes, int length) {
        return bias(slopes, length, length);
    }

    /**
     * The bias (nh, queries, keys) of the last {@code queries} positions of {@code keys} (query i sits
     * at position keys - queries + i): -m_h·(position - j) for keys j up to the query's position, 0 after.
     */
    public static Tensor bias(double[] slopes, int queries, int keys) {
        int heads = slopes.length, first = keys - queries;
        float[] values = new float[heads * queries * keys];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < queries; i++) {
                for (int j = 0; j <= first + i; j++) {
                    values[(h * queries + i) * keys + j] = (float) (slopes[h] * (j - first - i)); // -m·distance
                }
            }
        }
        return Tensor.of(values, heads, queries, keys);
    }

    /** This encoding's slopes, one per head. */
    public double[] slopes() {
        return slopes.clone();
    }

    @Override
    public Tensor scoreBias(int queries, int keys) {
        if (queries != keys) {
            return bias(slopes, queries, keys);
        }
        if (cached == null || cached.shape(1) != keys) {
            cached = bias(slopes, keys);
        }
        return cached;
    }

    @Override
    protected String describe() {
        return "heads=" + slopes.length;
    }
}
