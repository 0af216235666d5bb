package dev.minillm.exercises.ch08;

import dev.minillm.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Graded tests of Chapter 8's exercises, in {@link PositionMath}. Expected numbers are worked out in comments. */
@DisplayName("Chapter 8: positional encodings")
class PositionMathTest {

    private static final double EPS = 1e-9;

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(EPS));
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** The tests' own RoPE, interleaved pairs, theta 10000 (so exercise 5 does not depend on exercise 3). */
    private static double[] interleaved(double[] x, int position) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length / 2; i++) {
            double angle = position * Math.pow(10000, -2.0 * i / x.length), a = x[2 * i], b = x[2 * i + 1];
            out[2 * i] = a * Math.cos(angle) - b * Math.sin(angle);
            out[2 * i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
        }
        return out;
    }

    private static double[] random(SplittableRandom random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble(-1, 1);
        }
        return x;
    }

    // ---------------------------------------------------------------- Exercise 1: sinusoidalTable

    @Test
    @Points(3)
    @DisplayName("1. sinusoidalTable: rows 0 and 1 for 4 dimensions")
    void sinusoidalSmall() {
        double[][] table = PositionMath.sinusoidalTable(2, 4);
        assertThat(table).hasNumberOfRows(2);
        assertClose(table[0], new double[] {0, 1, 0, 1});
        // frequencies 1 and 10000^(-2/4) = 0.01
        assertClose(table[1], new double[] {Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)});
    }

    @Test
    @Points(3)
    @DisplayName("1. sinusoidalTable: the closed form everywhere, an odd dimension and an empty table")
    void sinusoidalEverywhere() {
        double[][] table = PositionMath.sinusoidalTable(40, 10);
        for (int p = 0; p < 40; p++) {
            for (int j = 0; j < 10; j++) {
                double angle = p / Math.pow(10000, 2.0 * (j / 2) / 10);
                assertThat(table[p][j]).as("PE[%d][%d]", p, j).isCloseTo(j % 2 == 0 ? Math.sin(angle) : Math.cos(angle),
                        within(EPS));
            }
        }
        double[][] odd = PositionMath.sinusoidalTable(3, 3);
        assertThat(odd[2][2]).isCloseTo(Math.sin(2 / Math.pow(10000, 2.0 / 3)), within(EPS));
        assertThat(PositionMath.sinusoidalTable(0, 4)).isEmpty();
    }

    // ---------------------------------------------------------------- Exercise 2: learnedLookup

    @Test
    @Points(3)
    @DisplayName("2. learnedLookup copies the rows of the given positions")
    void lookup() {
        double[][] table = {{1, 2}, {3, 4}, {5, 6}};
        double[][] rows = PositionMath.learnedLookup(table, new int[] {2, 0, 2});
        assertThat(rows).isDeepEqualTo(new double[][] {{5, 6}, {1, 2}, {5, 6}});
        rows[0][0] = 99;
        assertThat(table[2][0]).as("the table is not changed through the result").isEqualTo(5);
    }

    @Test
    @Points(2)
    @DisplayName("2. learnedLookup: a position past the table is a clear error")
    void lookupPastTheEnd() {
        double[][] table = {{1, 2}, {3, 4}, {5, 6}};
        assertThatThrownBy(() -> PositionMath.learnedLookup(table, new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position").hasMessageContaining("3");
        assertThatThrownBy(() -> PositionMath.learnedLookup(table, new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 3: ropeRotate

    @Test
    @Points(3)
    @DisplayName("3. ropeRotate turns each interleaved pair by position · theta^(-2i/d)")
    void ropeWorkedExample() {
        // pair 0 by 3 rad, pair 1 by 3 · 10000^(-1/2) = 0.03 rad
        assertClose(PositionMath.ropeRotate(new double[] {1, 0, 1, 0}, 3, 10000),
                new double[] {Math.cos(3), Math.sin(3), Math.cos(0.03), Math.sin(0.03)});
        // (a, b) = (0, 1) at position 1, angle 1: (a cos - b sin, a sin + b cos) = (-sin 1, cos 1)
        assertClose(PositionMath.ropeRotate(new double[] {0, 1}, 1, 10000), new double[] {-Math.sin(1), Math.cos(1)});
    }

    @Test
    @Points(3)
    @DisplayName("3. ropeRotate keeps lengths, leaves position 0 and its input alone, rejects odd sizes")
    void ropeProperties() {
        var random = new SplittableRandom(3);
        double[] x = random(random, 8), before = x.clone();
        assertClose(PositionMath.ropeRotate(x, 0, 10000), x);
        double[] turned = PositionMath.ropeRotate(x, 77, 500);
        assertThat(dot(turned, turned)).isCloseTo(dot(x, x), within(1e-12));
        assertThat(x).as("input unchanged").containsExactly(before);
        assertThatThrownBy(() -> PositionMath.ropeRotate(new double[3], 1, 10000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 4: relativeScore

    @Test
    @Points(2)
    @DisplayName("4. relativeScore: the worked example and offset 0")
    void relativeWorked() {
        assertThat(PositionMath.relativeScore(new double[] {1, 0}, new double[] {1, 0}, 2, 10000))
                .isCloseTo(Math.cos(2), within(EPS));
        double[] q = {0.5, -1, 2, 0.25}, k = {1, 1, -0.5, 3};
        assertThat(PositionMath.relativeScore(q, k, 0, 10000)).isCloseTo(dot(q, k), within(EPS));
    }

    @Test
    @Points(4)
    @DisplayName("4. relativeScore equals rotating both vectors, for many positions and offsets")
    void relativeProperty() {
        var random = new SplittableRandom(8);
        for (int trial = 0; trial < 100; trial++) {
            double[] q = random(random, 8), k = random(random, 8);
            int m = random.nextInt(1000), n = random.nextInt(1000);
            double both = dot(PositionMath.ropeRotate(q, m, 10000), PositionMath.ropeRotate(k, n, 10000));
            assertThat(PositionMath.relativeScore(q, k, n - m, 10000)).as("m=%d, n=%d", m, n).isCloseTo(both, within(1e-9));
        }
    }

    // ---------------------------------------------------------------- Exercise 5: halfFromInterleaved

    @Test
    @Points(3)
    @DisplayName("5. halfFromInterleaved: evens, then odds")
    void permutation() {
        assertThat(PositionMath.halfFromInterleaved(6)).containsExactly(0, 2, 4, 1, 3, 5);
        assertThat(PositionMath.halfFromInterleaved(2)).containsExactly(0, 1);
        assertThatThrownBy(() -> PositionMath.halfFromInterleaved(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(2)
    @DisplayName("5. halfFromInterleaved: the permuted vector turned rotate-half style equals the turned vector permuted")
    void permutationConvertsConventions() {
        int d = 8, position = 9;
        int[] perm = PositionMath.halfFromInterleaved(d);
        double[] x = random(new SplittableRandom(5), d);
        double[] turned = interleaved(x, position);
        double[] permuted = new double[d];
        for (int j = 0; j < d; j++) {
            permuted[j] = x[perm[j]];
        }
        // rotate-half: pair (i, i + d/2) turned by position · 10000^(-2i/d)
        double[] half = new double[d];
        for (int i = 0; i < d / 2; i++) {
            double angle = position * Math.pow(10000, -2.0 * i / d), a = permuted[i], b = permuted[i + d / 2];
            half[i] = a * Math.cos(angle) - b * Math.sin(angle);
            half[i + d / 2] = a * Math.sin(angle) + b * Math.cos(angle);
        }
        for (int j = 0; j < d; j++) {
            assertThat(half[j]).as("dimension %d", j).isCloseTo(turned[perm[j]], within(1e-12));
        }
    }

    // ---------------------------------------------------------------- Exercise 6: alibiSlopes

    @Test
    @Points(3)
    @DisplayName("6. alibiSlopes for a power of two: 2^(-8h/n)")
    void slopesPowerOfTwo() {
        assertClose(PositionMath.alibiSlopes(8), new double[] {1 / 2.0, 1 / 4.0, 1 / 8.0, 1 / 16.0, 1 / 32.0, 1 / 64.0,
                1 / 128.0, 1 / 256.0});
        assertClose(PositionMath.alibiSlopes(2), new double[] {1 / 16.0, 1 / 256.0});
        assertClose(PositionMath.alibiSlopes(1), new double[] {1 / 256.0});
    }

    @Test
    @Points(3)
    @DisplayName("6. alibiSlopes for other head counts (the paper's rule)")
    void slopesOther() {
        assertClose(PositionMath.alibiSlopes(6), new double[] {1 / 4.0, 1 / 16.0, 1 / 64.0, 1 / 256.0, 1 / 2.0, 1 / 8.0});
        // 3 heads: 2-head slopes 1/16, 1/256, then the 1st of 4 heads, 2^(-2) = 1/4
        assertClose(PositionMath.alibiSlopes(3), new double[] {1 / 16.0, 1 / 256.0, 1 / 4.0});
        assertThatThrownBy(() -> PositionMath.alibiSlopes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 7: alibiBias

    @Test
    @Points(3)
    @DisplayName("7. alibiBias: the worked example")
    void biasWorked() {
        double[][][] bias = PositionMath.alibiBias(new double[] {0.5}, 3);
        assertThat(bias.length).as("heads").isEqualTo(1);
        assertThat(bias[0].length).as("rows").isEqualTo(3);
        assertClose(bias[0][0], new double[] {0, 0, 0});
        assertClose(bias[0][1], new double[] {-0.5, 0, 0});
        assertClose(bias[0][2], new double[] {-1, -0.5, 0});
    }

    @Test
    @Points(3)
    @DisplayName("7. alibiBias: -m·(i - j) below the diagonal for every head, 0 above")
    void biasEverywhere() {
        double[] slopes = {0.25, 0.0625, 0.015625};
        double[][][] bias = PositionMath.alibiBias(slopes, 7);
        assertThat(bias.length).as("heads").isEqualTo(3);
        for (int h = 0; h < 3; h++) {
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 7; j++) {
                    assertThat(bias[h][i][j]).as("bias[%d][%d][%d]", h, i, j)
                            .isCloseTo(j <= i ? -slopes[h] * (i - j) : 0, within(EPS));
                }
            }
        }
    }
}
