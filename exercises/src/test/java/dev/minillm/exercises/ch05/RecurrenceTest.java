package dev.minillm.exercises.ch05;

import dev.minillm.grading.Points;
import dev.minillm.nn.BatchSampler;
import dev.minillm.rnn.DiagonalStateSpace;
import dev.minillm.rnn.GruCell;
import dev.minillm.rnn.HiddenState;
import dev.minillm.rnn.LstmCell;
import dev.minillm.rnn.RnnCell;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 5's exercises, in {@link Recurrence}. Small cases are worked out by hand in
 * a comment; the cells are also compared with {@code dev.minillm.rnn} on random weights.
 */
@DisplayName("Chapter 5: recurrent networks")
class RecurrenceTest {

    private static final double EPS = 1e-12;
    private static final int I = 3, H = 4;

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static void assertClose(double[][] actual, double[][] expected, double tolerance) {
        assertThat(actual).as("rows").hasNumberOfRows(expected.length);
        for (int t = 0; t < expected.length; t++) {
            assertClose(actual[t], expected[t], tolerance);
        }
    }

    /** A library tensor of shape (rows, columns) as a double matrix. */
    private static double[][] matrix(Tensor t) {
        float[] values = t.toArray();
        int rows = t.shape(0), columns = t.shape(1);
        double[][] m = new double[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                m[r][c] = values[r * columns + c];
            }
        }
        return m;
    }

    private static double[] vector(Tensor t) {
        float[] values = t.toArray();
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return v;
    }

    private static double[] add(double[] a, double[] b) {
        double[] sum = a.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += b[i];
        }
        return sum;
    }

    private static double[] randomVector(SplittableRandom random, int n) {
        return random.doubles(n, -1, 1).toArray();
    }

    /** (1, n) float tensor. */
    private static Tensor row(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensor.of(f, 1, v.length);
    }

    private static double[][] randomMatrix(SplittableRandom random, int rows, int columns) {
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = randomVector(random, columns);
        }
        return m;
    }

    // ---------------------------------------------------------------- Exercise 1: rnnStep

    @Test
    @Points(2)
    @DisplayName("1. rnnStep computes tanh(W_ih·x + W_hh·h + b) on a hand-worked case")
    void rnnStepByHand() {
        // tanh(1·1 + 0.5·2 + 0) = tanh(2)
        assertClose(Recurrence.rnnStep(new double[][] {{1}}, new double[][] {{0.5}}, new double[] {0},
                new double[] {1}, new double[] {2}), new double[] {Math.tanh(2)}, EPS);
        // H = 2, I = 1: row j of W_ih times x, row j of W_hh times h, plus b[j]
        // j=0: 2·1 + (1·0.5 + 0·(-0.5)) + 0.1 = 2.6; j=1: -1·1 + (0·0.5 + 2·(-0.5)) + 0 = -2
        assertClose(Recurrence.rnnStep(new double[][] {{2}, {-1}}, new double[][] {{1, 0}, {0, 2}},
                new double[] {0.1, 0}, new double[] {1}, new double[] {0.5, -0.5}),
                new double[] {Math.tanh(2.6), Math.tanh(-2)}, EPS);
    }

    @Test
    @Points(2)
    @DisplayName("1. rnnStep equals the library's RnnCell (b = b_ih + b_hh)")
    void rnnStepMatchesTheLibrary() {
        var cell = new RnnCell(I, H, new SplittableRandom(5));
        var random = new SplittableRandom(6);
        double[] x = randomVector(random, I), h = randomVector(random, H);
        double[] expected = vector(cell.forward(row(x), HiddenState.of(row(h))).h());
        double[] b = add(vector(cell.input().bias()), vector(cell.recurrent().bias()));
        double[] hBefore = h.clone();
        assertClose(Recurrence.rnnStep(matrix(cell.input().weight()), matrix(cell.recurrent().weight()), b, x, h),
                expected, 1e-5);
        assertThat(h).as("the input state is not changed").containsExactly(hBefore);
    }

    // ---------------------------------------------------------------- Exercise 2: rnnForward

    @Test
    @Points(3)
    @DisplayName("2. rnnForward feeds each state back in and returns h_1 .. h_T")
    void rnnForwardUnrolls() {
        // w_ih = 1, w_hh = 0.5, b = 0, x = [1, 0, 0], h0 = 0:
        // h1 = tanh(1), h2 = tanh(0.5·h1), h3 = tanh(0.5·h2)
        double h1 = Math.tanh(1), h2 = Math.tanh(0.5 * h1), h3 = Math.tanh(0.5 * h2);
        assertClose(Recurrence.rnnForward(new double[][] {{1}}, new double[][] {{0.5}}, new double[] {0},
                new double[][] {{1}, {0}, {0}}, new double[] {0}), new double[][] {{h1}, {h2}, {h3}}, EPS);
        assertThat(Recurrence.rnnForward(new double[][] {{1}}, new double[][] {{0.5}}, new double[] {0},
                new double[0][], new double[] {0})).as("T = 0").isEmpty();
        // random weights: the same as stepping by hand
        var random = new SplittableRandom(7);
        double[][] wIh = randomMatrix(random, H, I), wHh = randomMatrix(random, H, H), xs = randomMatrix(random, 5, I);
        double[] b = randomVector(random, H), h = randomVector(random, H);
        double[][] states = Recurrence.rnnForward(wIh, wHh, b, xs, h);
        for (int t = 0; t < xs.length; t++) {
            double[] next = new double[H];
            for (int j = 0; j < H; j++) {
                double sum = b[j];
                for (int i = 0; i < I; i++) {
                    sum += wIh[j][i] * xs[t][i];
                }
                for (int k = 0; k < H; k++) {
                    sum += wHh[j][k] * h[k];
                }
                next[j] = Math.tanh(sum);
            }
            h = next;
            assertClose(states[t], h, EPS);
        }
    }

    // ---------------------------------------------------------------- Exercise 3: lstmStep

    @Test
    @Points(2)
    @DisplayName("3. lstmStep: gates at 0.5 halve the memory")
    void lstmStepByHand() {
        // all pre-activations 0: i = f = o = 0.5, g = 0; c = 0.5·2 = 1, h = 0.5·tanh(1)
        double[][] zero4x1 = {{0}, {0}, {0}, {0}};
        double[][] result = Recurrence.lstmStep(zero4x1, zero4x1, new double[4], new double[] {3}, new double[] {-1},
                new double[] {2});
        assertClose(result[0], new double[] {0.5 * Math.tanh(1)}, EPS);
        assertClose(result[1], new double[] {1}, EPS);
        // a huge forget bias keeps c, a huge negative input bias writes nothing: c stays 2
        double[][] kept = Recurrence.lstmStep(zero4x1, zero4x1, new double[] {-50, 50, 0, 50}, new double[] {3},
                new double[] {-1}, new double[] {2});
        assertClose(kept[1], new double[] {2}, 1e-9);
        assertClose(kept[0], new double[] {Math.tanh(2)}, 1e-9);
    }

    @Test
    @Points(4)
    @DisplayName("3. lstmStep equals the library's LstmCell (gates stacked i, f, g, o)")
    void lstmStepMatchesTheLibrary() {
        var cell = new LstmCell(I, H, new SplittableRandom(8));
        var random = new SplittableRandom(9);
        double[] x = randomVector(random, I), h = randomVector(random, H), c = randomVector(random, H);
        HiddenState next = cell.forward(row(x), new HiddenState(row(h), row(c)));
        double[] b = add(vector(cell.input().bias()), vector(cell.recurrent().bias()));
        double[][] result = Recurrence.lstmStep(matrix(cell.input().weight()), matrix(cell.recurrent().weight()), b, x,
                h, c);
        assertClose(result[0], vector(next.h()), 1e-5);
        assertClose(result[1], vector(next.c()), 1e-5);
    }

    // ---------------------------------------------------------------- Exercise 4: gruStep

    @Test
    @Points(2)
    @DisplayName("4. gruStep interpolates between the candidate and the old state")
    void gruStepByHand() {
        // all zero: r = z = 0.5, n = 0, h' = 0.5·0 + 0.5·1
        double[][] zero3x1 = {{0}, {0}, {0}};
        assertClose(Recurrence.gruStep(zero3x1, zero3x1, new double[3], new double[3], new double[] {2},
                new double[] {1}), new double[] {0.5}, EPS);
        // z → 1 (bias 50): the state is copied unchanged, whatever the candidate
        assertClose(Recurrence.gruStep(new double[][] {{1}, {1}, {1}}, zero3x1, new double[] {0, 50, 0},
                new double[3], new double[] {2}, new double[] {-0.3}), new double[] {-0.3}, 1e-9);
    }

    @Test
    @Points(3)
    @DisplayName("4. gruStep equals the library's GruCell (r multiplies W_hn·h + b_hn only)")
    void gruStepMatchesTheLibrary() {
        var cell = new GruCell(I, H, new SplittableRandom(10));
        var random = new SplittableRandom(11);
        double[] x = randomVector(random, I), h = randomVector(random, H);
        double[] expected = vector(cell.forward(row(x), HiddenState.of(row(h))).h());
        assertClose(Recurrence.gruStep(matrix(cell.input().weight()), matrix(cell.recurrent().weight()),
                vector(cell.input().bias()), vector(cell.recurrent().bias()), x, h), expected, 1e-5);
    }

    // ---------------------------------------------------------------- Exercise 5: scalarBptt

    @Test
    @Points(2)
    @DisplayName("5. scalarBptt multiplies one factor w·(1 - h²) per step back")
    void scalarBpttByHand() {
        // all h = 0: ∂h_T/∂x_t = u·w^(T-t)
        assertClose(Recurrence.scalarBptt(0.5, 1, new double[] {0, 0}), new double[] {0.5, 1}, EPS);
        assertClose(Recurrence.scalarBptt(0.5, 2, new double[] {0, 0, 0, 0}), new double[] {0.25, 0.5, 1, 2}, EPS);
        assertThat(Recurrence.scalarBptt(0.5, 1, new double[0])).isEmpty();
    }

    @Test
    @Points(3)
    @DisplayName("5. scalarBptt agrees with finite differences, and vanishes over 50 steps")
    void scalarBpttMatchesFiniteDifferences() {
        var random = new SplittableRandom(12);
        double w = 0.9, u = 0.7;
        double[] xs = randomVector(random, 8);
        double[] grads = Recurrence.scalarBptt(w, u, xs);
        for (int t = 0; t < xs.length; t++) {
            double[] plus = xs.clone(), minus = xs.clone();
            plus[t] += 1e-6;
            minus[t] -= 1e-6;
            double numeric = (last(w, u, plus) - last(w, u, minus)) / 2e-6;
            assertThat(grads[t]).as("∂h_T/∂x_%d", t + 1).isCloseTo(numeric, within(1e-7));
        }
        double[] long50 = Recurrence.scalarBptt(w, u, randomVector(random, 50));
        assertThat(Math.abs(long50[0] / long50[49])).as("49 steps back, at most 0.9^49").isLessThan(Math.pow(0.9, 49));
    }

    private static double last(double w, double u, double[] xs) {
        double h = 0;
        for (double x : xs) {
            h = Math.tanh(w * h + u * x);
        }
        return h;
    }

    // ---------------------------------------------------------------- Exercise 6: clipByGlobalNorm

    @Test
    @Points(4)
    @DisplayName("6. clipByGlobalNorm rescales all arrays together and returns the norm before clipping")
    void clipByGlobalNorm() {
        double[][] grads = {{3}, {4}};
        assertThat(Recurrence.clipByGlobalNorm(grads, 1)).isCloseTo(5, within(EPS));
        assertClose(grads, new double[][] {{0.6}, {0.8}}, EPS);
        double[][] small = {{0.1, -0.2}, {}, {0.2}};
        assertThat(Recurrence.clipByGlobalNorm(small, 1)).isCloseTo(0.3, within(EPS));
        assertClose(small, new double[][] {{0.1, -0.2}, {}, {0.2}}, 0);
        double[][] exact = {{1, 1, 1, 1}};  // norm 2 = maxNorm: unchanged
        assertThat(Recurrence.clipByGlobalNorm(exact, 2)).isCloseTo(2, within(EPS));
        assertClose(exact, new double[][] {{1, 1, 1, 1}}, 0);
        double[][] zeros = {{0, 0}};
        assertThat(Recurrence.clipByGlobalNorm(zeros, 1)).isZero();
        assertClose(zeros, new double[][] {{0, 0}}, 0);
        double[][] big = {{30, -40}, {0, 120}};  // norm 130 → scale 13/130
        Recurrence.clipByGlobalNorm(big, 13);
        assertClose(big, new double[][] {{3, -4}, {0, 12}}, 1e-12);
        assertThatThrownBy(() -> Recurrence.clipByGlobalNorm(new double[][] {{1}}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 7: contiguousChunks

    @Test
    @Points(2)
    @DisplayName("7. contiguousChunks cuts B streams into chunks of T, row by row")
    void contiguousChunksByHand() {
        int[] tokens = java.util.stream.IntStream.range(0, 13).toArray();
        int[][][] chunks = Recurrence.contiguousChunks(tokens, 2, 3);
        assertThat(chunks).hasDimensions(2, 2);
        assertThat(chunks[0][0]).containsExactly(0, 1, 2);
        assertThat(chunks[0][1]).containsExactly(6, 7, 8);
        assertThat(chunks[1][0]).containsExactly(3, 4, 5);
        assertThat(chunks[1][1]).containsExactly(9, 10, 11);
        assertThatThrownBy(() -> Recurrence.contiguousChunks(tokens, 4, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Recurrence.contiguousChunks(tokens, 0, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(2)
    @DisplayName("7. contiguousChunks gives the inputs of the library's ContiguousStreams")
    void contiguousChunksMatchTheLibrary() {
        int[] tokens = new SplittableRandom(13).ints(1000, 0, 50).toArray();
        var sampler = (BatchSampler.ContiguousStreams) BatchSampler.contiguousStreams(tokens, 4, 16);
        int[][][] chunks = Recurrence.contiguousChunks(tokens, 4, 16);
        assertThat(chunks).hasNumberOfRows(sampler.chunksPerPass());
        for (int s = 0; s < chunks.length; s++) {
            int[][] inputs = sampler.batch(s).inputs();
            for (int b = 0; b < 4; b++) {
                assertThat(chunks[s][b]).as("batch %d, row %d", s, b).containsExactly(inputs[b]);
            }
        }
    }

    // ---------------------------------------------------------------- Exercises 8-10: linear recurrence

    @Test
    @Points(3)
    @DisplayName("8. linearRecurrence decays each channel at its own rate")
    void linearRecurrenceByHand() {
        assertClose(Recurrence.linearRecurrence(new double[] {0.5}, new double[][] {{1}, {0}, {0}}),
                new double[][] {{1}, {0.5}, {0.25}}, EPS);
        // two channels: a = (0.5, 1) → the second one sums its inputs
        assertClose(Recurrence.linearRecurrence(new double[] {0.5, 1}, new double[][] {{2, 1}, {2, 1}, {2, 1}}),
                new double[][] {{2, 1}, {3, 2}, {3.5, 3}}, EPS);
        assertThat(Recurrence.linearRecurrence(new double[] {0.5}, new double[0][])).isEmpty();
    }

    @Test
    @Points(3)
    @DisplayName("9. linearConvolution equals the recurrence, and the library's DiagonalStateSpace")
    void linearConvolutionEqualsTheRecurrence() {
        assertClose(Recurrence.linearConvolution(new double[] {0.5}, new double[][] {{1}, {2}}),
                new double[][] {{1}, {2.5}}, EPS);
        var random = new SplittableRandom(14);
        double[] a = random.doubles(3, 0.1, 0.99).toArray();
        double[][] u = randomMatrix(random, 20, 3);
        assertClose(Recurrence.linearConvolution(a, u), recurrence(a, u), 1e-12);
        // the library's layer with B = C = identity and D = 0 is this recurrence
        var layer = new DiagonalStateSpace(1, 1, 1, new SplittableRandom(15));
        layer.stateDict().get("B").data()[0] = 1f;
        layer.stateDict().get("C").data()[0] = 1f;
        layer.stateDict().get("D").data()[0] = 0f;
        double decay = layer.decay().item();
        double[][] x = {{1}, {-2}, {0.5}, {3}};
        double[] expected = vector(layer.forward(Tensor.of(new float[] {1, -2, 0.5f, 3}, 1, 4, 1),
                DiagonalStateSpace.Form.CONVOLUTION));
        double[][] ours = Recurrence.linearConvolution(new double[] {decay}, x);
        for (int t = 0; t < 4; t++) {
            assertThat(ours[t][0]).isCloseTo(expected[t], within(1e-5));
        }
    }

    @Test
    @Points(4)
    @DisplayName("10. prefixScan combines segments in log₂ T rounds and equals the recurrence")
    void prefixScanEqualsTheRecurrence() {
        assertClose(Recurrence.prefixScan(0.5, new double[] {1, 1, 1, 1}), new double[] {1, 1.5, 1.75, 1.875}, EPS);
        assertClose(Recurrence.prefixScan(0.5, new double[] {7}), new double[] {7}, EPS);
        assertThat(Recurrence.prefixScan(0.5, new double[0])).isEmpty();
        var random = new SplittableRandom(16);
        for (int length : new int[] {2, 3, 5, 8, 13, 64, 100}) {
            double a = random.nextDouble(0.1, 0.99);
            double[] u = randomVector(random, length);
            double[][] column = new double[length][];
            for (int t = 0; t < length; t++) {
                column[t] = new double[] {u[t]};
            }
            double[][] expected = recurrence(new double[] {a}, column);
            double[] scanned = Recurrence.prefixScan(a, u);
            for (int t = 0; t < length; t++) {
                assertThat(scanned[t]).as("T = %d, t = %d", length, t).isCloseTo(expected[t][0], within(1e-12));
            }
        }
    }

    /** h_t = a ⊙ h_{t-1} + u_t from zeros: the reference for exercises 9 and 10. */
    private static double[][] recurrence(double[] a, double[][] u) {
        double[][] h = new double[u.length][a.length];
        double[] state = new double[a.length];
        for (int t = 0; t < u.length; t++) {
            for (int n = 0; n < a.length; n++) {
                state[n] = a[n] * state[n] + u[t][n];
            }
            h[t] = state.clone();
        }
        return h;
    }
}
