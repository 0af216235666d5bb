package dev.minillm.exercises.ch09;

import dev.minillm.generate.Sampler;
import dev.minillm.generate.SpeculativeDecoding;
import dev.minillm.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 9's exercises, in {@link Decoding}. Small cases are worked out by hand;
 * random cases are checked against the library's {@code Sampler} and {@code SpeculativeDecoding}.
 */
@DisplayName("Chapter 9: decoding")
class DecodingTest {

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double[] doubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    private static double[] randomDistribution(SplittableRandom random, int n) {
        double[] logits = new double[n];
        for (int i = 0; i < n; i++) {
            logits[i] = random.nextGaussian() * 2;
        }
        return doubles(Sampler.softmax(floats(logits), 1f));
    }

    @Test
    @Points(3)
    void greedyTakesTheFirstLargest() {
        assertThat(Decoding.greedy(new double[] {1, 3, 3, 2})).isEqualTo(1);
        assertThat(Decoding.greedy(new double[] {-5, -2, -9})).isEqualTo(1);
        assertThat(Decoding.greedy(new double[] {7})).isZero();
        assertThatThrownBy(() -> Decoding.greedy(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    void softmaxWithATemperature() {
        assertClose(Decoding.softmax(new double[] {0, Math.log(3)}, 1), new double[] {0.25, 0.75}, 1e-12);
        assertClose(Decoding.softmax(new double[] {0, Math.log(3)}, 0.5), new double[] {0.1, 0.9}, 1e-12);
        assertClose(Decoding.softmax(new double[] {1000, 0}, 1), new double[] {1, 0}, 1e-12);
        var random = new SplittableRandom(9);
        double[] logits = random.doubles(12, -3, 3).toArray();
        assertClose(Decoding.softmax(logits, 1.7), doubles(Sampler.softmax(floats(logits), 1.7f)), 1e-6);
        assertThatThrownBy(() -> Decoding.softmax(logits, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    void topKKeepsTheKMostLikely() {
        assertClose(Decoding.topK(new double[] {0.1, 0.4, 0.2, 0.3}, 2), new double[] {0, 4 / 7.0, 0, 3 / 7.0}, 1e-12);
        assertClose(Decoding.topK(new double[] {0.5, 0.25, 0.25}, 2), new double[] {2 / 3.0, 1 / 3.0, 0}, 1e-12);
        assertClose(Decoding.topK(new double[] {0.5, 0.5}, 0), new double[] {0.5, 0.5}, 0);
        var random = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            double[] p = randomDistribution(random, 30);
            int k = 1 + random.nextInt(30);
            assertClose(Decoding.topK(p, k), doubles(Sampler.keepTopK(floats(p), k)), 1e-6);
        }
        assertThatThrownBy(() -> Decoding.topK(new double[] {1}, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(5)
    void topPKeepsTheSmallestNucleus() {
        double[] p = {0.05, 0.5, 0.15, 0.3};
        assertClose(Decoding.topP(p, 0.8), new double[] {0, 0.625, 0, 0.375}, 1e-12);
        assertClose(Decoding.topP(p, 0.1), new double[] {0, 1, 0, 0}, 1e-12);
        assertClose(Decoding.topP(p, 1), p, 1e-12);
        var random = new SplittableRandom(4);
        for (int trial = 0; trial < 20; trial++) {
            double[] q = randomDistribution(random, 30);
            float top = (float) random.nextDouble(0.05, 0.99);
            assertClose(Decoding.topP(q, top), doubles(Sampler.keepTopP(floats(q), top)), 1e-5);
        }
        assertThatThrownBy(() -> Decoding.topP(p, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Decoding.topP(p, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    void theRepetitionPenaltyLowersSeenTokensOnce() {
        assertClose(Decoding.repetitionPenalty(new double[] {2, -1, 0.5}, new int[] {0, 1, 1}, 2), new double[] {1, -2, 0.5}, 0);
        double[] logits = {3, 3};
        double[] out = Decoding.repetitionPenalty(logits, new int[] {1, 1, 1}, 1.5);
        assertClose(out, new double[] {3, 2}, 1e-12);
        assertThat(logits).as("the input is not changed").containsExactly(3, 3);
    }

    @Test
    @Points(4)
    void drawingByInverseTransform() {
        double[] p = {0.2, 0.5, 0.3};
        assertThat(Decoding.draw(p, 0.1)).isZero();
        assertThat(Decoding.draw(p, 0.2)).isEqualTo(1);
        assertThat(Decoding.draw(p, 0.95)).isEqualTo(2);
        assertThat(Decoding.draw(new double[] {0, 0.5, 0.5, 0}, 0.0)).as("zero-probability tokens are never drawn").isEqualTo(1);
        assertThat(Decoding.draw(new double[] {0.3, 0.3, 0.3999, 0}, 0.99999)).as("rounding: the last non-zero").isEqualTo(2);
    }

    @Test
    @Points(5)
    void oneBeamSearchStep() {
        int[][] best = Decoding.beamStep(new double[] {-1, -2}, new double[][] {{-0.1, -3}, {-0.2, -0.3}}, 2);
        assertThat(best).isDeepEqualTo(new int[][] {{0, 0}, {1, 0}});
        int[][] three = Decoding.beamStep(new double[] {-1, -2}, new double[][] {{-0.1, -3}, {-0.2, -0.3}}, 3);
        assertThat(three).isDeepEqualTo(new int[][] {{0, 0}, {1, 0}, {1, 1}});
        int[][] ties = Decoding.beamStep(new double[] {0, 0}, new double[][] {{-1, -1}, {-1, -1}}, 3);
        assertThat(ties).isDeepEqualTo(new int[][] {{0, 0}, {0, 1}, {1, 0}});
    }

    @Test
    @Points(3)
    void theAcceptanceProbability() {
        assertThat(Decoding.acceptanceProbability(0.3, 0.6)).isCloseTo(0.5, within(1e-12));
        assertThat(Decoding.acceptanceProbability(0.6, 0.3)).isEqualTo(1.0);
        assertThat(Decoding.acceptanceProbability(0, 0.4)).isZero();
    }

    @Test
    @Points(4)
    void theLeftoverDistribution() {
        assertClose(Decoding.leftover(new double[] {0.5, 0.3, 0.2}, new double[] {0.2, 0.6, 0.2}), new double[] {1, 0, 0}, 1e-12);
        assertClose(Decoding.leftover(new double[] {0.4, 0.4, 0.2}, new double[] {0.2, 0.2, 0.6}), new double[] {0.5, 0.5, 0}, 1e-12);
        assertClose(Decoding.leftover(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}), new double[] {0.5, 0.5}, 0);
        var random = new SplittableRandom(5);
        double[] p = randomDistribution(random, 10), q = randomDistribution(random, 10);
        assertClose(Decoding.leftover(p, q), doubles(SpeculativeDecoding.leftover(floats(p), floats(q))), 1e-6);
    }

    @Test
    @Points(4)
    void findingTheFirstStopString() {
        assertThat(Decoding.stopIndex("Hi.\nUser: ok\n\n", List.of("\n\n", "User:"))).isEqualTo(4);
        assertThat(Decoding.stopIndex("no stop here", List.of("\n\n"))).isEqualTo(-1);
        assertThat(Decoding.stopIndex("abc", List.of())).isEqualTo(-1);
        assertThat(Decoding.stopIndex("xxSTOP", List.of("STOP", "xS"))).isEqualTo(1);
    }
}
