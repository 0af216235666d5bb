package dev.minillm.exercises.ch03;

import dev.minillm.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 3's exercises, in {@link Engine}. Every expected number is worked out by
 * hand in a comment.
 */
@DisplayName("Chapter 3: tensors, autograd and optimizers")
class EngineTest {

    private static final double EPS = 1e-12;

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    // ---------------------------------------------------------------- Exercise 1: scalarGradients

    @Test
    @Points(2)
    @DisplayName("1. scalarGradients backpropagates through tanh(a·b + c)·a where tanh(0) = 0")
    void scalarGradientsAtZero() {
        // a=2, b=-1, c=2: d = 0, t = 0. dL/dt = a = 2, dL/dd = 2·(1 - 0) = 2 = dL/dc = dL/de;
        // dL/db = dL/de·a = 4; dL/da = t + dL/de·b = 0 - 2 = -2.
        assertClose(Engine.scalarGradients(2, -1, 2), new double[] {-2, 4, 2}, EPS);
        // a=1, b=0, c=0: t = 0, dL/dd = 1, so dL/da = 0 + 1·0 = 0, dL/db = 1·1 = 1, dL/dc = 1.
        assertClose(Engine.scalarGradients(1, 0, 0), new double[] {0, 1, 1}, EPS);
    }

    @Test
    @Points(1)
    @DisplayName("1. scalarGradients adds both paths into dL/da (a is used twice)")
    void scalarGradientsAccumulate() {
        // a=1, b=1, c=0: t = tanh(1) = 0.7615941559557649, 1 - t² = 0.41997434161402614.
        // dL/da = t + (1 - t²)·b = 1.181568497569791; dL/db = (1 - t²)·a; dL/dc = (1 - t²)·a.
        assertClose(Engine.scalarGradients(1, 1, 0),
                new double[] {1.181568497569791, 0.41997434161402614, 0.41997434161402614}, 1e-12);
    }

    @Test
    @Points(1)
    @DisplayName("1. scalarGradients agrees with central finite differences at random points")
    void scalarGradientsMatchFiniteDifferences() {
        var random = new SplittableRandom(3);
        double h = 1e-5;
        for (int trial = 0; trial < 20; trial++) {
            double a = random.nextDouble(-2, 2), b = random.nextDouble(-2, 2), c = random.nextDouble(-2, 2);
            double[] numeric = {
                    (loss(a + h, b, c) - loss(a - h, b, c)) / (2 * h),
                    (loss(a, b + h, c) - loss(a, b - h, c)) / (2 * h),
                    (loss(a, b, c + h) - loss(a, b, c - h)) / (2 * h)};
            assertClose(Engine.scalarGradients(a, b, c), numeric, 1e-7);
        }
    }

    private static double loss(double a, double b, double c) {
        return Math.tanh(a * b + c) * a;
    }

    // ---------------------------------------------------------------- Exercise 2: broadcastShape

    @Test
    @Points(2)
    @DisplayName("2. broadcastShape aligns at the last axis and stretches dimensions of 1")
    void broadcastShapes() {
        assertThat(Engine.broadcastShape(new int[] {4, 1, 3}, new int[] {5, 3})).containsExactly(4, 5, 3);
        assertThat(Engine.broadcastShape(new int[] {5, 3}, new int[] {4, 1, 3})).containsExactly(4, 5, 3);
        assertThat(Engine.broadcastShape(new int[] {3, 1}, new int[] {1, 4})).containsExactly(3, 4);
        assertThat(Engine.broadcastShape(new int[] {2, 3}, new int[] {3})).containsExactly(2, 3);
        assertThat(Engine.broadcastShape(new int[] {8, 1, 6, 1}, new int[] {7, 1, 5})).containsExactly(8, 7, 6, 5);
    }

    @Test
    @Points(1)
    @DisplayName("2. broadcastShape handles scalars and dimensions of 0, and leaves its inputs alone")
    void broadcastScalarsAndEmpty() {
        assertThat(Engine.broadcastShape(new int[0], new int[] {2, 3})).containsExactly(2, 3);
        assertThat(Engine.broadcastShape(new int[0], new int[0])).isEmpty();
        assertThat(Engine.broadcastShape(new int[] {0}, new int[] {1})).containsExactly(0);
        assertThat(Engine.broadcastShape(new int[] {1, 0}, new int[] {3, 1})).containsExactly(3, 0);
        int[] a = {4, 1}, b = {3};
        Engine.broadcastShape(a, b);
        assertThat(a).containsExactly(4, 1);
        assertThat(b).containsExactly(3);
    }

    @Test
    @Points(1)
    @DisplayName("2. broadcastShape rejects dimensions that differ when neither is 1")
    void broadcastRejects() {
        assertThatThrownBy(() -> Engine.broadcastShape(new int[] {2, 3}, new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.broadcastShape(new int[] {0}, new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.broadcastShape(new int[] {4, 1, 3}, new int[] {2, 1, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 3: contiguousStrides

    @Test
    @Points(2)
    @DisplayName("3. contiguousStrides: the last axis moves by 1, each earlier axis by the size of all later ones")
    void stridesOfContiguousShapes() {
        assertThat(Engine.contiguousStrides(new int[] {2, 3, 4})).containsExactly(12, 4, 1);
        assertThat(Engine.contiguousStrides(new int[] {4, 4})).containsExactly(4, 1);
        assertThat(Engine.contiguousStrides(new int[] {5})).containsExactly(1);
        assertThat(Engine.contiguousStrides(new int[] {2, 3, 4, 5})).containsExactly(60, 20, 5, 1);
    }

    @Test
    @Points(1)
    @DisplayName("3. contiguousStrides of a scalar is empty, and axes of size 1 get strides too")
    void stridesEdgeCases() {
        assertThat(Engine.contiguousStrides(new int[0])).isEmpty();
        assertThat(Engine.contiguousStrides(new int[] {1, 5, 1})).containsExactly(5, 1, 1);
    }

    // ---------------------------------------------------------------- Exercise 4: gather

    private static final double[] SIX = {0, 1, 2, 3, 4, 5};

    @Test
    @Points(2)
    @DisplayName("4. gather reads a matrix and its transpose (strides swapped) in row-major order")
    void gatherTranspose() {
        assertThat(Engine.gather(SIX, 0, new int[] {2, 3}, new int[] {3, 1})).containsExactly(0, 1, 2, 3, 4, 5);
        // The 2×3 matrix [[0, 1, 2], [3, 4, 5]] transposed: 3×2 with strides [1, 3].
        assertThat(Engine.gather(SIX, 0, new int[] {3, 2}, new int[] {1, 3})).containsExactly(0, 3, 1, 4, 2, 5);
        // The same storage as 2×3×1 permuted to 3×1×2.
        assertThat(Engine.gather(SIX, 0, new int[] {3, 1, 2}, new int[] {1, 1, 3})).containsExactly(0, 3, 1, 4, 2, 5);
    }

    @Test
    @Points(1)
    @DisplayName("4. gather follows an offset (a slice) and stride 0 (a broadcast)")
    void gatherSliceAndBroadcast() {
        double[] twelve = new double[12];
        Arrays.setAll(twelve, i -> i); // the 3×4 matrix of 0..11
        // Columns 1..2 of every row: offset 1, shape [3, 2], strides [4, 1].
        assertThat(Engine.gather(twelve, 1, new int[] {3, 2}, new int[] {4, 1})).containsExactly(1, 2, 5, 6, 9, 10);
        // Every other element of row 2: offset 8, shape [2], stride [2].
        assertThat(Engine.gather(twelve, 8, new int[] {2}, new int[] {2})).containsExactly(8, 10);
        // The first row repeated twice: stride 0 on axis 0.
        assertThat(Engine.gather(SIX, 0, new int[] {2, 3}, new int[] {0, 1})).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    @Points(1)
    @DisplayName("4. gather of shape [] is one element, a zero dimension gives nothing, mismatched lengths throw")
    void gatherEdgeCases() {
        assertThat(Engine.gather(SIX, 4, new int[0], new int[0])).containsExactly(4);
        assertThat(Engine.gather(SIX, 0, new int[] {2, 0}, new int[] {3, 1})).isEmpty();
        assertThatThrownBy(() -> Engine.gather(SIX, 0, new int[] {2, 3}, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 5: logSumExp

    @Test
    @Points(2)
    @DisplayName("5. logSumExp is log Σ exp(x) on ordinary numbers")
    void logSumExpOrdinary() {
        assertThat(Engine.logSumExp(new double[] {0, 0})).isCloseTo(Math.log(2), within(EPS));
        // 3 + ln(1 + e^-1 + e^-2) = 3.40760596444438
        assertThat(Engine.logSumExp(new double[] {1, 2, 3})).isCloseTo(3.40760596444438, within(1e-12));
        assertThat(Engine.logSumExp(new double[] {5})).isCloseTo(5, within(EPS));
        assertThat(Engine.logSumExp(new double[] {Math.log(1), Math.log(2), Math.log(5)})).isCloseTo(Math.log(8), within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("5. logSumExp neither overflows at 1000 nor underflows at -1000")
    void logSumExpStable() {
        assertThat(Engine.logSumExp(new double[] {1000, 1000})).isCloseTo(1000 + Math.log(2), within(1e-9));
        assertThat(Engine.logSumExp(new double[] {-1000, -1000})).isCloseTo(-1000 + Math.log(2), within(1e-9));
        assertThat(Engine.logSumExp(new double[] {1000, 0})).isCloseTo(1000, within(1e-9));
    }

    @Test
    @Points(1)
    @DisplayName("5. logSumExp of nothing, or of only -infinity, is -infinity (not NaN)")
    void logSumExpEmpty() {
        assertThat(Engine.logSumExp(new double[0])).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Engine.logSumExp(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}))
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Engine.logSumExp(new double[] {Double.NEGATIVE_INFINITY, 0})).isCloseTo(0, within(EPS));
    }

    // ---------------------------------------------------------------- Exercise 6: crossEntropyGradient

    @Test
    @Points(2)
    @DisplayName("6. crossEntropyGradient is softmax minus the one-hot target")
    void crossEntropyGradientValues() {
        // Four equal logits: softmax 1/4 each.
        assertClose(Engine.crossEntropyGradient(new double[] {0, 0, 0, 0}, 1), new double[] {0.25, -0.75, 0.25, 0.25}, EPS);
        // Logits 0 and ln 3: softmax (1/4, 3/4).
        assertClose(Engine.crossEntropyGradient(new double[] {0, Math.log(3)}, 0), new double[] {-0.75, 0.75}, EPS);
        // Adding a constant to every logit changes nothing.
        assertClose(Engine.crossEntropyGradient(new double[] {7, 7 + Math.log(3)}, 1), new double[] {0.25, -0.25}, 1e-12);
    }

    @Test
    @Points(1)
    @DisplayName("6. crossEntropyGradient works for huge logits and always sums to 0")
    void crossEntropyGradientStable() {
        // softmax({1000, 0}) = (1, e^-1000) = (1, 0) in doubles.
        assertClose(Engine.crossEntropyGradient(new double[] {1000, 0}, 0), new double[] {0, 0}, EPS);
        assertClose(Engine.crossEntropyGradient(new double[] {1000, 0}, 1), new double[] {1, -1}, EPS);
        var random = new SplittableRandom(5);
        for (int trial = 0; trial < 10; trial++) {
            double[] logits = random.doubles(6, -10, 10).toArray();
            double sum = Arrays.stream(Engine.crossEntropyGradient(logits, trial % 6)).sum();
            assertThat(sum).isCloseTo(0, within(1e-12));
        }
    }

    @Test
    @Points(1)
    @DisplayName("6. crossEntropyGradient rejects a target that is not a class")
    void crossEntropyGradientRejects() {
        assertThatThrownBy(() -> Engine.crossEntropyGradient(new double[] {1, 2, 3}, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Engine.crossEntropyGradient(new double[] {1, 2, 3}, -1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---------------------------------------------------------------- Exercise 7: sgdMomentumStep

    @Test
    @Points(2)
    @DisplayName("7. sgdMomentumStep: v = μ·v + g, p = p - lr·v, twice")
    void sgdMomentumTwoSteps() {
        double[] p = {1, -2}, g = {0.5, 1}, v = {0, 0};
        Engine.sgdMomentumStep(p, g, v, 0.1, 0.9);
        // v = g = (0.5, 1); p = (1 - 0.05, -2 - 0.1)
        assertClose(v, new double[] {0.5, 1}, EPS);
        assertClose(p, new double[] {0.95, -2.1}, EPS);
        Engine.sgdMomentumStep(p, g, v, 0.1, 0.9);
        // v = 0.9·(0.5, 1) + (0.5, 1) = (0.95, 1.9); p = (0.95 - 0.095, -2.1 - 0.19)
        assertClose(v, new double[] {0.95, 1.9}, EPS);
        assertClose(p, new double[] {0.855, -2.29}, EPS);
        assertThat(g).containsExactly(0.5, 1);
    }

    @Test
    @Points(1)
    @DisplayName("7. sgdMomentumStep with μ = 0 is plain gradient descent")
    void sgdWithoutMomentum() {
        double[] p = {1, 3}, v = {0, 0};
        Engine.sgdMomentumStep(p, new double[] {2, -4}, v, 0.25, 0);
        assertClose(p, new double[] {0.5, 4}, EPS);
        Engine.sgdMomentumStep(p, new double[] {2, -4}, v, 0.25, 0);
        assertClose(p, new double[] {0, 5}, EPS);
    }

    @Test
    @Points(1)
    @DisplayName("7. sgdMomentumStep rejects arrays of different lengths")
    void sgdRejects() {
        assertThatThrownBy(() -> Engine.sgdMomentumStep(new double[2], new double[3], new double[2], 0.1, 0.9))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.sgdMomentumStep(new double[2], new double[2], new double[1], 0.1, 0.9))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 8: adamWStep

    @Test
    @Points(2)
    @DisplayName("8. adamWStep: the first step moves each parameter by lr against the sign of its gradient")
    void adamWFirstStep() {
        double[] p = {1, -1, 0.5}, g = {0.2, -3, 0}, m = new double[3], v = new double[3];
        Engine.adamWStep(p, g, m, v, 1, 0.1, 0.9, 0.999, 1e-8, 0);
        // m = 0.1·g, v = 0.001·g²; m̂ = g, v̂ = g²: the step is 0.1·g/(|g| + 1e-8) ≈ ±0.1, or 0 for g = 0.
        assertClose(m, new double[] {0.02, -0.3, 0}, EPS);
        assertClose(v, new double[] {4e-5, 0.009, 0}, EPS);
        assertClose(p, new double[] {0.9, -0.9, 0.5}, 1e-7);
    }

    @Test
    @Points(1)
    @DisplayName("8. adamWStep shrinks by (1 - lr·λ) before the update, gradient or not")
    void adamWDecoupledDecay() {
        double[] p = {1, -1, 0.5}, g = {0.2, -3, 0};
        Engine.adamWStep(p, g, new double[3], new double[3], 1, 0.1, 0.9, 0.999, 1e-8, 0.5);
        // shrink 1 - 0.05 = 0.95: (0.95 - 0.1, -0.95 + 0.1, 0.475)
        assertClose(p, new double[] {0.85, -0.85, 0.475}, 1e-7);
    }

    @Test
    @Points(1)
    @DisplayName("8. adamWStep's bias correction: a steady gradient keeps steps of lr; a flipped one nearly stops")
    void adamWSecondStep() {
        double[] p = {1}, m = {0}, v = {0};
        Engine.adamWStep(p, new double[] {1}, m, v, 1, 0.1, 0.9, 0.999, 0, 0);
        Engine.adamWStep(p, new double[] {1}, m, v, 2, 0.1, 0.9, 0.999, 0, 0);
        // m = 0.19, v = 0.001999; m̂ = 0.19/0.19 = 1, v̂ = 0.001999/0.001999 = 1: again 0.1.
        assertClose(p, new double[] {0.8}, 1e-12);
        assertClose(m, new double[] {0.19}, 1e-12);
        assertClose(v, new double[] {0.001999}, 1e-12);

        double[] q = {1}, m2 = {0}, v2 = {0};
        Engine.adamWStep(q, new double[] {1}, m2, v2, 1, 0.1, 0.9, 0.999, 0, 0);
        Engine.adamWStep(q, new double[] {-1}, m2, v2, 2, 0.1, 0.9, 0.999, 0, 0);
        // m = 0.09 - 0.1 = -0.01, m̂ = -0.01/0.19 = -0.0526315789..., v̂ = 1: q = 0.9 + 0.1·0.0526315789...
        assertClose(q, new double[] {0.9 + 0.1 / 19}, 1e-12);
    }

    @Test
    @Points(1)
    @DisplayName("8. adamWStep rejects step < 1 and arrays of different lengths")
    void adamWRejects() {
        assertThatThrownBy(() -> Engine.adamWStep(new double[1], new double[1], new double[1], new double[1], 0,
                0.1, 0.9, 0.999, 1e-8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.adamWStep(new double[2], new double[1], new double[2], new double[2], 1,
                0.1, 0.9, 0.999, 1e-8, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 9: warmupCosine

    @Test
    @Points(2)
    @DisplayName("9. warmupCosine rises linearly, falls along a half cosine, then stays at minLr")
    void warmupCosineValues() {
        // maxLr 1, minLr 0.1, warmup 10, decay 110
        assertThat(Engine.warmupCosine(0, 1, 0.1, 10, 110)).isCloseTo(0.1, within(EPS));
        assertThat(Engine.warmupCosine(4, 1, 0.1, 10, 110)).isCloseTo(0.5, within(EPS));
        assertThat(Engine.warmupCosine(9, 1, 0.1, 10, 110)).isCloseTo(1.0, within(EPS));
        assertThat(Engine.warmupCosine(10, 1, 0.1, 10, 110)).isCloseTo(1.0, within(EPS));
        // r = 1/4: 0.1 + 0.5·(1 + cos(π/4))·0.9 = 0.8681980515339464
        assertThat(Engine.warmupCosine(35, 1, 0.1, 10, 110)).isCloseTo(0.8681980515339464, within(1e-12));
        assertThat(Engine.warmupCosine(60, 1, 0.1, 10, 110)).isCloseTo(0.55, within(1e-12));
        assertThat(Engine.warmupCosine(110, 1, 0.1, 10, 110)).isCloseTo(0.1, within(EPS));
        assertThat(Engine.warmupCosine(500, 1, 0.1, 10, 110)).isCloseTo(0.1, within(EPS));
    }

    @Test
    @Points(1)
    @DisplayName("9. warmupCosine without warmup, and with no cosine part (decaySteps == warmupSteps)")
    void warmupCosineEdges() {
        assertThat(Engine.warmupCosine(0, 2, 0, 0, 100)).isCloseTo(2, within(EPS));
        assertThat(Engine.warmupCosine(100, 2, 0, 0, 100)).isCloseTo(0, within(1e-12));
        assertThat(Engine.warmupCosine(4, 1, 0.2, 10, 10)).isCloseTo(0.5, within(EPS));
        assertThat(Engine.warmupCosine(10, 1, 0.2, 10, 10)).isCloseTo(0.2, within(EPS));
        double previous = Double.POSITIVE_INFINITY;
        for (int step = 10; step <= 120; step++) {
            double lr = Engine.warmupCosine(step, 1, 0.1, 10, 110);
            assertThat(lr).as("step %d", step).isLessThanOrEqualTo(previous).isGreaterThanOrEqualTo(0.1 - EPS);
            previous = lr;
        }
    }

    @Test
    @Points(1)
    @DisplayName("9. warmupCosine rejects negative warmup, decay before warmup, and minLr outside [0, maxLr]")
    void warmupCosineRejects() {
        assertThatThrownBy(() -> Engine.warmupCosine(0, 1, 0.1, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.warmupCosine(0, 1, 0.1, 20, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.warmupCosine(0, 1, 2, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.warmupCosine(0, 1, -0.1, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- Exercise 10: matmul

    @Test
    @Points(2)
    @DisplayName("10. matmul multiplies square and rectangular matrices")
    void matmulValues() {
        // [1 2; 3 4]·[5 6; 7 8] = [1·5+2·7, 1·6+2·8; 3·5+4·7, 3·6+4·8]
        assertThat(Engine.matmul(new double[][] {{1, 2}, {3, 4}}, new double[][] {{5, 6}, {7, 8}}))
                .isDeepEqualTo(new double[][] {{19, 22}, {43, 50}});
        // (2×3)·(3×2): row 0: 7+18+33 = 58, 8+20+36 = 64; row 1: 28+45+66 = 139, 32+50+72 = 154
        assertThat(Engine.matmul(new double[][] {{1, 2, 3}, {4, 5, 6}}, new double[][] {{7, 8}, {9, 10}, {11, 12}}))
                .isDeepEqualTo(new double[][] {{58, 64}, {139, 154}});
    }

    @Test
    @Points(1)
    @DisplayName("10. matmul gives a dot product (1×k·k×1), an outer product (m×1·1×n), and A·I = A")
    void matmulShapes() {
        assertThat(Engine.matmul(new double[][] {{1, 2, 3}}, new double[][] {{4}, {5}, {6}}))
                .isDeepEqualTo(new double[][] {{32}});
        assertThat(Engine.matmul(new double[][] {{1}, {2}}, new double[][] {{3, 4, 5}}))
                .isDeepEqualTo(new double[][] {{3, 4, 5}, {6, 8, 10}});
        double[][] a = {{1.5, -2, 0}, {3, 0.25, 7}};
        double[][] identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertThat(Engine.matmul(a, identity)).isDeepEqualTo(a);
        assertThat(a).isDeepEqualTo(new double[][] {{1.5, -2, 0}, {3, 0.25, 7}});
    }

    @Test
    @Points(1)
    @DisplayName("10. matmul rejects A's columns not matching B's rows")
    void matmulRejects() {
        assertThatThrownBy(() -> Engine.matmul(new double[][] {{1, 2}}, new double[][] {{1, 2}, {3, 4}, {5, 6}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Engine.matmul(new double[][] {{1, 2, 3}}, new double[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
