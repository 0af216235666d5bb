package dev.minillm.tensor;

import dev.minillm.common.Simd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link VectorActivations} against the scalar reference loops of {@link Activations}: the same
 * float operations in the same order, so the same bits, on every length (tails that do not fill
 * a vector), every sub-range, and the awkward inputs. Plus the accuracy of the polynomial e^x
 * and tanh that both use.
 */
class VectorActivationsTest {

    private static final float[] EXTREMES = {
            0f, -0f, 1e-8f, -1e-8f, 1e-30f, -1e-30f, 0.625f, -0.625f, 0.62499994f, 0.6250001f, 1f, -1f,
            20f, -20f, 44f, -44f, 87.2f, -87.2f, 88.2f, -88.2f, 88.4f, -88.4f, 100f, -100f, 1e30f, -1e30f,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE};

    private interface Unary {
        void run(float[] x, float[] y, int from, int to);
    }

    private interface Backward {
        void run(float[] g, float[] saved, float[] ga, int from, int to);
    }

    @BeforeEach
    void needsVectors() {
        assumeTrue(Simd.AVAILABLE, "needs the Vector API module");
    }

    /** Random values at several scales with the extremes mixed in at random places. */
    private static float[] inputs(long seed, int n) {
        var random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (random.nextInt(4)) {
                case 0 -> EXTREMES[random.nextInt(EXTREMES.length)];
                case 1 -> (float) random.nextGaussian();
                case 2 -> (float) (random.nextGaussian() * 10);
                default -> (float) random.nextDouble(-100, 100);
            };
        }
        return x;
    }

    private static void assertSameBits(float[] vector, float[] scalar, String what) {
        for (int i = 0; i < scalar.length; i++) {
            assertThat(Float.floatToIntBits(vector[i]))
                    .as("%s at %d: vector %s vs scalar %s", what, i, vector[i], scalar[i])
                    .isEqualTo(Float.floatToIntBits(scalar[i]));
        }
    }

    private static void checkUnary(String name, Unary vector, Unary scalar) {
        for (int n = 0; n < 70; n++) {
            float[] x = inputs(n, n);
            float[] v = new float[n], s = new float[n];
            vector.run(x, v, 0, n);
            scalar.run(x, s, 0, n);
            assertSameBits(v, s, name + " n=" + n);
        }
        float[] x = inputs(99, 1001);
        float[] v = new float[x.length], s = new float[x.length];
        for (int from = 0; from < x.length; from += 77) { // ranges that start and end off the vector grid
            int to = Math.min(x.length, from + 77);
            vector.run(x, v, from, to);
            scalar.run(x, s, from, to);
        }
        assertSameBits(v, s, name + " in ranges");
        float[] e = EXTREMES.clone();
        float[] ve = new float[e.length], se = new float[e.length];
        vector.run(e, ve, 0, e.length);
        scalar.run(e, se, 0, e.length);
        assertSameBits(ve, se, name + " extremes " + Arrays.toString(e));
    }

    private static void checkBackward(String name, Backward vector, Backward scalar, boolean savedFromForward, Unary forward) {
        for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 63, 1001}) {
            float[] x = inputs(n + 1000, n);
            float[] saved = x;
            if (savedFromForward) {
                saved = new float[n];
                forward.run(x, saved, 0, n);
            }
            float[] g = inputs(n + 2000, n);
            float[] gaV = inputs(n + 3000, n), gaS = gaV.clone();
            vector.run(g, saved, gaV, 0, n);
            scalar.run(g, saved, gaS, 0, n);
            assertSameBits(gaV, gaS, name + " backward n=" + n);
        }
    }

    @Test
    void tanhMatchesTheScalarReferenceBitForBit() {
        checkUnary("tanh", VectorActivations::tanh, Activations::tanhRange);
        checkBackward("tanh", VectorActivations::tanhBackward, Activations::tanhBackwardRange, true, Activations::tanhRange);
    }

    @Test
    void sigmoidMatchesTheScalarReferenceBitForBit() {
        checkUnary("sigmoid", VectorActivations::sigmoid, Activations::sigmoidRange);
        checkBackward("sigmoid", VectorActivations::sigmoidBackward, Activations::sigmoidBackwardRange, true, Activations::sigmoidRange);
    }

    @Test
    void reluMatchesTheScalarReferenceBitForBit() {
        checkUnary("relu", VectorActivations::relu, Activations::reluRange);
        checkBackward("relu", VectorActivations::reluBackward, Activations::reluBackwardRange, false, null);
    }

    @Test
    void siluMatchesTheScalarReferenceBitForBit() {
        checkUnary("silu", VectorActivations::silu, Activations::siluRange);
        checkBackward("silu", VectorActivations::siluBackward, Activations::siluBackwardRange, false, null);
    }

    @Test
    void geluMatchesTheScalarReferenceBitForBit() {
        checkUnary("gelu y", (x, y, from, to) -> VectorActivations.gelu(x, new float[x.length], y, from, to),
                (x, y, from, to) -> Activations.geluRange(x, new float[x.length], y, from, to));
        checkUnary("gelu t", (x, t, from, to) -> VectorActivations.gelu(x, t, new float[x.length], from, to),
                (x, t, from, to) -> Activations.geluRange(x, t, new float[x.length], from, to));
        for (int n : new int[] {0, 1, 17, 1001}) {
            float[] x = inputs(n, n), t = new float[n];
            Activations.geluRange(x, t, new float[n], 0, n);
            float[] g = inputs(n + 1, n), gaV = inputs(n + 2, n), gaS = gaV.clone();
            VectorActivations.geluBackward(g, x, t, gaV, 0, n);
            Activations.geluBackwardRange(g, x, t, gaS, 0, n);
            assertSameBits(gaV, gaS, "gelu backward n=" + n);
        }
    }

    /** Once the JIT has compiled the vector loop, it must still give the interpreter's bits. */
    @Test
    void resultsDoNotChangeOnceCompiled() {
        float[] x = inputs(7, 64);
        float[] first = new float[64], later = new float[64], scalar = new float[64];
        Activations.sigmoidRange(x, scalar, 0, 64);
        VectorActivations.sigmoid(x, first, 0, 64);
        for (int round = 0; round < 20_000; round++) {
            VectorActivations.sigmoid(x, later, 0, 64);
            VectorActivations.tanh(x, later, 0, 64);
        }
        VectorActivations.sigmoid(x, later, 0, 64);
        assertSameBits(first, scalar, "sigmoid, interpreted");
        assertSameBits(later, scalar, "sigmoid, compiled");
    }

    @Test
    void tensorMethodsAgreeWithTheScalarReferenceOnLargeParallelTensors() {
        int n = (1 << 17) + 3; // above Parallel's threshold: the work is split across threads
        var a = Tensor.of(inputs(5, n), n);
        float[] expected = new float[n];
        Activations.tanhRange(a.dense(), expected, 0, n);
        assertSameBits(a.tanh().dense(), expected, "Tensor.tanh");
        Activations.siluRange(a.dense(), expected, 0, n);
        assertSameBits(a.silu().dense(), expected, "Tensor.silu");
    }

    /** Scalar only, but skipped with the rest when the module is missing (CI always has it). */
    @Test
    void polynomialExpIsAccurateAndSaturates() {
        double worst = 0;
        for (float x = -87.3f; x <= 88.3f; x += 0.001f) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(Activations.exp(x) - exact) / exact);
        }
        assertThat(worst).as("relative error of exp").isLessThan(3e-7);
        assertThat(Activations.exp(100f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Activations.exp(-100f)).isEqualTo(0f);
        assertThat(Activations.exp(0f)).isEqualTo(1f);
        assertThat(Activations.exp(Float.NaN)).isNaN();
    }

    @Test
    void tanhAndSigmoidAreAccurateAndSaturate() {
        for (float u = -20f; u <= 20f; u += 0.0007f) {
            double exact = Math.tanh(u);
            assertThat((double) Activations.tanh(u)).as("tanh(%s)", u).isCloseTo(exact, org.assertj.core.data.Offset.offset(2e-7 + 4e-7 * Math.abs(exact)));
            double s = 1 / (1 + Math.exp(-(double) u));
            assertThat((double) Activations.sigmoid(u)).as("sigmoid(%s)", u).isCloseTo(s, org.assertj.core.data.Offset.offset(4e-7 * s));
        }
        assertThat(Activations.tanh(1e-8f)).isEqualTo(1e-8f);
        assertThat(Activations.tanh(-1e-30f)).isEqualTo(-1e-30f);
        assertThat(Activations.tanh(100f)).isEqualTo(1f);
        assertThat(Activations.tanh(-100f)).isEqualTo(-1f);
        assertThat(Activations.tanh(Float.NaN)).isNaN();
        assertThat(Activations.sigmoid(100f)).isEqualTo(1f);
        assertThat(Activations.sigmoid(-100f)).isEqualTo(0f);
        assertThat(Activations.sigmoid(0f)).isEqualTo(0.5f);
        assertThat(Activations.sigmoid(Float.NaN)).isNaN();
    }
}
