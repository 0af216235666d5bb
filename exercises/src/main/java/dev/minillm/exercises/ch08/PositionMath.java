package dev.minillm.exercises.ch08;

/**
 * Chapter 8 exercises: positional encodings on plain arrays, in seven static methods.
 *
 * <p>The sinusoidal table of the original Transformer, a learned table's lookup, one RoPE rotation,
 * the relative-position property of RoPE, the permutation between RoPE's two conventions, and
 * ALiBi's slopes and bias matrix. Each method's Javadoc gives the task, the formula, a worked
 * example, the edge cases and a hint. Replace each {@code throw new UnsupportedOperationException(...)}
 * with your code, then grade your work with {@code ./mvnw -q test -Dgrade} (the tests are in
 * {@code PositionMathTest}).
 *
 * <p>Everything here is {@code double}, so answers are checked to 1e-9; the library
 * ({@code dev.minillm.position}) does the same in {@code float}. Compare once your code passes.
 */
public final class PositionMath {

    private PositionMath() {
    }

    /**
     * Exercise 1: the sinusoidal position table of "Attention Is All You Need".
     *
     * <p>For position p = 0 .. length-1 and column j = 0 .. dim-1, with i = j / 2 (integer division):
     * {@code table[p][j] = sin(p / 10000^(2i/dim))} when j is even and {@code cos(p / 10000^(2i/dim))}
     * when j is odd. So columns 2i and 2i+1 share one frequency.
     *
     * <p>Worked example: dim = 4, p = 1 gives {sin 1, cos 1, sin 0.01, cos 0.01} =
     * {0.841, 0.540, 0.0100, 0.99995}; row 0 is always {0, 1, 0, 1, ...}.
     *
     * <p>Edge cases: length 0 gives an empty array; an odd dim ends with a sine column.
     *
     * <p>Hint: compute the frequency {@code Math.pow(10000, -2.0 * (j / 2) / dim)} once per column.
     *
     * @return table[length][dim]
     */
    public static double[][] sinusoidalTable(int length, int dim) {
        throw new UnsupportedOperationException("TODO: for each column j, frequency = 10000^(-2·(j/2)/dim); sin(p·frequency) in even columns, cos in odd ones");
    }

    /**
     * Exercise 2: look up the rows of a learned position table.
     *
     * <p>{@code table} has one row per position 0 .. table.length-1. Return a new array whose row t is a
     * copy of {@code table[positions[t]]}.
     *
     * <p>Worked example: table {{1, 2}, {3, 4}, {5, 6}} and positions {2, 0} give {{5, 6}, {1, 2}}.
     *
     * <p>Edge cases: return copies, so changing the result does not change the table. A position
     * below 0 or at or past the end of the table has no row.
     *
     * <p>Hint: {@code table[p].clone()}.
     *
     * @throws IllegalArgumentException if a position is outside 0 .. table.length-1; the message must
     *         contain the word "position" and the size of the table
     */
    public static double[][] learnedLookup(double[][] table, int[] positions) {
        throw new UnsupportedOperationException("TODO: copy table[positions[t]] into row t; throw IllegalArgumentException naming the position and the table size when it is outside");
    }

    /**
     * Exercise 3: rotate one query or key vector with RoPE, interleaved pairs (as in Meta's Llama).
     *
     * <p>The vector x has an even size d. Pair i is (x[2i], x[2i+1]), i = 0 .. d/2-1, and it is turned by
     * the angle a = position · theta^(-2i/d):
     * {@code out[2i] = x[2i]·cos a − x[2i+1]·sin a}, {@code out[2i+1] = x[2i]·sin a + x[2i+1]·cos a}.
     *
     * <p>Worked example: x = {1, 0, 1, 0}, position 3, theta 10000: pair 0 turns by 3 rad, pair 1 by
     * 3·10000^(-1/2) = 0.03 rad, giving {cos 3, sin 3, cos 0.03, sin 0.03}.
     *
     * <p>Edge cases: position 0 returns a copy of x; the input is not changed; the length of the
     * vector never changes.
     *
     * <p>Hint: read x[2i] and x[2i+1] into locals before writing either output.
     *
     * @throws IllegalArgumentException if x has an odd size (dimensions turn in pairs)
     */
    public static double[] ropeRotate(double[] x, int position, double theta) {
        throw new UnsupportedOperationException("TODO: for each pair (2i, 2i+1) turn by angle position·theta^(-2i/d): (a cos - b sin, a sin + b cos); throw for an odd size");
    }

    /**
     * Exercise 4: the RoPE score of a query and a key from their offset alone.
     *
     * <p>Rotating q by its position m and k by its position n and taking the dot product gives the same
     * as rotating k alone by n − m: {@code ropeRotate(q, m)·ropeRotate(k, n) = q·ropeRotate(k, n − m)}.
     * Compute the right-hand side: the score of a key {@code offset} = n − m positions after the query.
     *
     * <p>Worked example: q = k = {1, 0}, theta 10000, offset 2: the key turns by 2 rad, so the score is
     * cos 2 = −0.416. An offset of 0 gives q·k.
     *
     * <p>Edge cases: negative offsets (the key before the query) are allowed and turn the other way.
     *
     * <p>Hint: reuse {@link #ropeRotate}; the tests compare with rotating both vectors at many positions.
     */
    public static double relativeScore(double[] q, double[] k, int offset, double theta) {
        throw new UnsupportedOperationException("TODO: rotate k alone by the offset (ropeRotate(k, offset, theta)) and take its dot product with q");
    }

    /**
     * Exercise 5: the permutation from RoPE's interleaved layout to the rotate-half layout.
     *
     * <p>Interleaved pairs are (2i, 2i+1); rotate-half pairs are (i, i + d/2). Return perm of size d such
     * that new dimension j is old dimension perm[j], putting the old pair (2i, 2i+1) at (i, i + d/2):
     * the even dimensions first, then the odd ones.
     *
     * <p>Worked example: d = 6 gives {0, 2, 4, 1, 3, 5}.
     *
     * <p>Edge cases: d = 2 gives {0, 1}.
     *
     * <p>Hint: perm[j] = 2j for the first half, 2(j − d/2) + 1 for the second.
     *
     * @throws IllegalArgumentException if d is odd or less than 2
     */
    public static int[] halfFromInterleaved(int d) {
        throw new UnsupportedOperationException("TODO: the even dimensions 0, 2, 4, ... then the odd ones 1, 3, 5, ...; throw for odd or < 2");
    }

    /**
     * Exercise 6: ALiBi's slopes for {@code heads} heads (the paper's rule).
     *
     * <p>For n a power of two: m_h = 2^(-8h/n) for h = 1 .. n, a geometric sequence from 2^(-8/n) down to
     * 2^(-8). For other n: take the n' slopes of the largest power of two n' &lt; n, then append
     * every other slope (the 1st, 3rd, 5th, ...) of 2n' heads until there are n slopes.
     *
     * <p>Worked examples: 8 heads give 1/2, 1/4, ..., 1/256; 2 heads give 1/16, 1/256; 6 heads give the
     * 4-head slopes 1/4, 1/16, 1/64, 1/256, then the 1st and 3rd of the 8-head slopes, 1/2 and 1/8.
     *
     * <p>Edge cases: 1 head gives {1/256}.
     *
     * <p>Hint: {@code Integer.highestOneBit(n)} is the largest power of two ≤ n.
     *
     * @throws IllegalArgumentException if heads &lt; 1
     */
    public static double[] alibiSlopes(int heads) {
        throw new UnsupportedOperationException("TODO: p = largest power of two <= heads; slopes 2^(-8h/p), then every other slope of 2p heads for the rest");
    }

    /**
     * Exercise 7: ALiBi's bias matrix, one T×T matrix per head.
     *
     * <p>{@code bias[h][i][j] = −slopes[h]·(i − j)} for keys j ≤ i (the query i and the keys it may see),
     * and 0 for j &gt; i (the future, which the causal mask hides anyway).
     *
     * <p>Worked example: slopes {0.5}, length 3 gives {{{0, 0, 0}, {−0.5, 0, 0}, {−1, −0.5, 0}}}.
     *
     * <p>Edge cases: the diagonal is 0 (a token's distance to itself); length 0 gives heads empty matrices.
     *
     * <p>Hint: three nested loops; only the lower triangle needs writing.
     *
     * @return bias[heads][length][length]
     */
    public static double[][][] alibiBias(double[] slopes, int length) {
        throw new UnsupportedOperationException("TODO: bias[h][i][j] = -slopes[h]*(i - j) for j <= i, 0 above the diagonal");
    }
}

