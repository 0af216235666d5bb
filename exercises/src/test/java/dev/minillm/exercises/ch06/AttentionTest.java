package dev.minillm.exercises.ch06;

import dev.minillm.attention.ScaledDotProductAttention;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.grading.Points;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 6's exercises, in {@link Attention}. Expected numbers are worked out by
 * hand in comments, or come from the library's {@code ScaledDotProductAttention}.
 */
@DisplayName("Chapter 6: attention")
class AttentionTest {

    private static final double EPS = 1e-12;
    private static final double R2 = Math.sqrt(2);

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static void assertClose(double[][] actual, double[][] expected, double tolerance) {
        assertThat(actual).as("rows").hasNumberOfRows(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertClose(actual[i], expected[i], tolerance);
        }
    }

    private static double[][] random(SplittableRandom random, int rows, int columns) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int c = 0; c < columns; c++) {
                row[c] = random.nextDouble(-2, 2);
            }
        }
        return m;
    }

    private static Tensor tensor(double[][] m) {
        float[] flat = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int c = 0; c < m[0].length; c++) {
                flat[i * m[0].length + c] = (float) m[i][c];
            }
        }
        return Tensor.of(flat, m.length, m[0].length);
    }

    // ---------------------------------------------------------------- Exercise 1: scores

    @Test
    @Points(4)
    @DisplayName("1. scores divides each query·key dot product by √d")
    void scores() {
        // d = 2: (1,0)·(1,1) = 1, (1,0)·(2,0) = 2, (0,2)·(1,1) = 2, the rest 0; all divided by √2.
        double[][] q = {{1, 0}, {0, 2}}, k = {{1, 1}, {2, 0}, {0, 0}};
        assertClose(Attention.scores(q, k), new double[][] {{1 / R2, 2 / R2, 0}, {2 / R2, 0, 0}}, EPS);
        // d = 4: (1,1,1,1)·(1,2,3,4) = 10, divided by √4 = 2.
        assertClose(Attention.scores(new double[][] {{1, 1, 1, 1}}, new double[][] {{1, 2, 3, 4}}), new double[][] {{5}}, EPS);
        assertThatThrownBy(() -> Attention.scores(new double[][] {{1, 2}}, new double[][] {{1, 2, 3}}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 2: softmax

    @Test
    @Points(3)
    @DisplayName("2. softmax with temperature: τ = 1 is the softmax, τ < 1 sharpens, τ > 1 flattens")
    void softmaxTemperature() {
        // exp(0) : exp(ln 3) = 1 : 3. At τ = 0.5 the scores double: 1 : 9. At τ = 2 they halve: 1 : √3.
        assertClose(Attention.softmax(new double[] {0, Math.log(3)}, 1), new double[] {0.25, 0.75}, EPS);
        assertClose(Attention.softmax(new double[] {0, Math.log(3)}, 0.5), new double[] {0.1, 0.9}, EPS);
        double r3 = Math.sqrt(3);
        assertClose(Attention.softmax(new double[] {0, Math.log(3)}, 2), new double[] {1 / (1 + r3), r3 / (1 + r3)}, EPS);
        assertClose(Attention.softmax(new double[] {5, 5, 5, 5}, 0.01), new double[] {0.25, 0.25, 0.25, 0.25}, EPS);
        assertThatThrownBy(() -> Attention.softmax(new double[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attention.softmax(new double[] {1}, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(2)
    @DisplayName("2. softmax survives large scores and gives masked (-∞) scores exactly 0")
    void softmaxStableAndMasked() {
        // {1000, 1001} is {0, 1} shifted: e/(1+e) for the second.
        double e = Math.E;
        assertClose(Attention.softmax(new double[] {1000, 1001}, 1), new double[] {1 / (1 + e), e / (1 + e)}, EPS);
        double inf = Double.NEGATIVE_INFINITY;
        assertClose(Attention.softmax(new double[] {0, inf, 0}, 1), new double[] {0.5, 0, 0.5}, EPS);
        assertClose(Attention.softmax(new double[] {inf, inf}, 1), new double[] {0, 0}, 0);
        assertThat(Attention.softmax(new double[0], 1)).isEmpty();
    }

    // ---------------------------------------------------------------- Exercise 3: causalMask

    @Test
    @Points(4)
    @DisplayName("3. causalMask hides the future: above the diagonal, shifted when Tq < Tk")
    void causalMask() {
        boolean[][] square = Attention.causalMask(3, 3);
        assertThat(square).isDeepEqualTo(new boolean[][] {{false, true, true}, {false, false, true}, {false, false, false}});
        // Two queries, the last two of three positions: query 0 is position 1 and sees keys 0 and 1.
        assertThat(Attention.causalMask(2, 3)).isDeepEqualTo(new boolean[][] {{false, false, true}, {false, false, false}});
        // One query, the newest position: it sees everything.
        assertThat(Attention.causalMask(1, 4)).isDeepEqualTo(new boolean[][] {{false, false, false, false}});
        assertThatThrownBy(() -> Attention.causalMask(3, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 4: attend

    @Test
    @Points(3)
    @DisplayName("4. attend averages the values with the softmax weights (worked example)")
    void attendByHand() {
        // d = 1, q = 1, keys 0 and ln 4 ... scaled by 1/√1: weights 1/5 and 4/5. Values 10 and 20: 18.
        double[][] q = {{1}}, k = {{0}, {Math.log(4)}}, v = {{10, 0}, {20, 5}};
        assertClose(Attention.attend(q, k, v, false), new double[][] {{18, 4}}, 1e-9);
        // Causal: the first query sees only key 0, so its output is v_0 whatever the scores.
        double[][] two = {{3}, {-1}};
        double[][] causal = Attention.attend(two, two, v, true);
        assertClose(causal[0], v[0], 1e-12);
        // The second (q = -1) sees both keys: scores -1·3 = -3 and -1·-1 = 1, weights ∝ e^-3 and e^1.
        double w = Math.exp(-3) / (Math.exp(-3) + Math.exp(1));
        assertClose(causal[1], new double[] {10 * w + 20 * (1 - w), 5 * (1 - w)}, 1e-9);
        assertThatThrownBy(() -> Attention.attend(q, k, new double[][] {{1}}, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(3)
    @DisplayName("4. attend agrees with the library's ScaledDotProductAttention, causal and not")
    void attendMatchesLibrary() {
        var random = new SplittableRandom(6);
        for (boolean causal : new boolean[] {false, true}) {
            for (int trial = 0; trial < 5; trial++) {
                int tq = 1 + random.nextInt(5), tk = tq + random.nextInt(3), d = 1 + random.nextInt(6), dv = 1 + random.nextInt(4);
                double[][] q = random(random, tq, d), k = random(random, tk, d), v = random(random, tk, dv);
                float[] expected = ScaledDotProductAttention.attend(tensor(q), tensor(k), tensor(v),
                        Options.defaults().withCausal(causal)).output().toArray();
                double[][] actual = Attention.attend(q, k, v, causal);
                for (int i = 0; i < tq; i++) {
                    for (int c = 0; c < dv; c++) {
                        assertThat(actual[i][c]).as("causal=%s, row %d, column %d", causal, i, c)
                                .isCloseTo(expected[i * dv + c], within(1e-4));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- Exercises 5 and 6: heads

    @Test
    @Points(3)
    @DisplayName("5. splitHeads gives head h the columns h·hs .. (h+1)·hs - 1")
    void splitHeads() {
        double[][] x = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}};
        assertThat(Attention.splitHeads(x, 3)).isDeepEqualTo(new double[][][] {
                {{1, 2}, {7, 8}}, {{3, 4}, {9, 10}}, {{5, 6}, {11, 12}}});
        assertThat(Attention.splitHeads(x, 1)).isDeepEqualTo(new double[][][] {x});
        assertThatThrownBy(() -> Attention.splitHeads(x, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(3)
    @DisplayName("6. mergeHeads puts the heads side by side and undoes splitHeads")
    void mergeHeads() {
        assertThat(Attention.mergeHeads(new double[][][] {{{1, 2}}, {{3, 4}}})).isDeepEqualTo(new double[][] {{1, 2, 3, 4}});
        double[][] x = random(new SplittableRandom(5), 4, 12);
        for (int heads : new int[] {1, 2, 3, 4, 6, 12}) {
            assertThat(Attention.mergeHeads(Attention.splitHeads(x, heads))).as("%d heads", heads).isDeepEqualTo(x);
        }
    }

    // ---------------------------------------------------------------- Exercise 7: crossAttentionShapes

    @Test
    @Points(4)
    @DisplayName("7. crossAttentionShapes: queries from x, keys from the context, weights (B, nh, Tq, Tk)")
    void crossAttentionShapes() {
        int[][] shapes = Attention.crossAttentionShapes(2, 5, 7, 16, 10, 4);
        assertThat(shapes).isDeepEqualTo(new int[][] {{2, 4, 5, 4}, {2, 4, 7, 4}, {2, 4, 5, 7}, {2, 5, 16}});
        // The original Transformer: C = 512 in 8 heads of 64.
        assertThat(Attention.crossAttentionShapes(1, 30, 40, 512, 512, 8)[2]).containsExactly(1, 8, 30, 40);
        assertThatThrownBy(() -> Attention.crossAttentionShapes(2, 5, 7, 16, 10, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attention.crossAttentionShapes(2, 0, 7, 16, 10, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercises 8 to 10: the cost

    @Test
    @Points(3)
    @DisplayName("8. parameterCount: 4C² weights and 4C biases, whatever the number of heads")
    void parameterCount() {
        // C = 768: 4·589,824 + 4·768 = 2,359,296 + 3,072.
        assertThat(Attention.parameterCount(768, true)).isEqualTo(2_362_368L);
        assertThat(Attention.parameterCount(768, false)).isEqualTo(2_359_296L);
        assertThat(Attention.parameterCount(16, true)).isEqualTo(1_088L);
        // C = 65,536 overflows an int: 4·2³² = 2³⁴.
        assertThat(Attention.parameterCount(65_536, false)).isEqualTo(1L << 34);
    }

    @Test
    @Points(4)
    @DisplayName("9. attentionFlops: 4·T²·d in full, 2·T(T+1)·d for the causal part, in long arithmetic")
    void attentionFlops() {
        assertThat(Attention.attentionFlops(2, 1, false)).isEqualTo(16L);
        assertThat(Attention.attentionFlops(2, 1, true)).isEqualTo(12L);  // 3 visible pairs × 2 products × 2 FLOPs
        assertThat(Attention.attentionFlops(1024, 768, false)).isEqualTo(3_221_225_472L);
        assertThat(Attention.attentionFlops(1024, 768, true)).isEqualTo(1_612_185_600L);
        // Doubling T quadruples the full count.
        assertThat(Attention.attentionFlops(8192, 512, false)).isEqualTo(4 * Attention.attentionFlops(4096, 512, false));
    }

    @Test
    @Points(4)
    @DisplayName("10. weightBytes: B·nh·T² numbers, quadrupled when T doubles")
    void weightBytes() {
        assertThat(Attention.weightBytes(8, 12, 1024, 4)).isEqualTo(402_653_184L);
        assertThat(Attention.weightBytes(1, 1, 3, 2)).isEqualTo(18L);
        // 32 heads at T = 32,768 in bfloat16: 2⁵ · 2³⁰ · 2 = 2³⁶ bytes = 64 GiB, for one layer of one sequence.
        assertThat(Attention.weightBytes(1, 32, 32_768, 2)).isEqualTo(1L << 36);
    }
}
