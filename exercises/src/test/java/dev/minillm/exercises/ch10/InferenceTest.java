package dev.minillm.exercises.ch10;

import dev.minillm.grading.Points;
import dev.minillm.infer.Batching;
import dev.minillm.infer.KvCacheMemory;
import dev.minillm.infer.OnlineSoftmax;
import dev.minillm.infer.PagedKvCache;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 10's exercises, in {@link Inference}. Small cases are worked out by hand;
 * random cases are checked against the library's {@code dev.minillm.infer} classes.
 */
@DisplayName("Chapter 10: fast inference")
class InferenceTest {

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    @Points(3)
    void bytesPerTokenOfTheCache() {
        assertThat(Inference.kvBytesPerToken(12, 12, 64, 4)).isEqualTo(73_728);
        assertThat(Inference.kvBytesPerToken(80, 8, 128, 2)).isEqualTo(new KvCacheMemory("70B", 80, 8, 128, 2).bytesPerToken());
        assertThat(Inference.kvBytesPerToken(32, 32, 128, 2)).isEqualTo(524_288);
    }

    @Test
    @Points(3)
    void tokensThatFitInMemory() {
        assertThat(Inference.tokensThatFit(16L << 30, 524_288)).isEqualTo(32_768);
        assertThat(Inference.tokensThatFit(100, 30)).isEqualTo(3);
        assertThatThrownBy(() -> Inference.tokensThatFit(100, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(6)
    void oneQueryAgainstTheCache() {
        double e = Math.exp(Math.sqrt(2));
        assertClose(Inference.attendToCache(new double[] {1, 0}, new double[][] {{0, 0}, {2, 0}},
                new double[][] {{1, 0}, {0, 1}}), new double[] {1 / (1 + e), e / (1 + e)}, 1e-12);
        var random = new SplittableRandom(1);
        int t = 37, d = 8;
        double[] q = random.doubles(d, -2, 2).toArray();
        double[][] keys = new double[t][], values = new double[t][];
        float[] qf = new float[d], kf = new float[t * d], vf = new float[t * 3];
        for (int j = 0; j < t; j++) {
            keys[j] = random.doubles(d, -2, 2).toArray();
            values[j] = random.doubles(3, -1, 1).toArray();
            for (int i = 0; i < d; i++) kf[j * d + i] = (float) keys[j][i];
            for (int i = 0; i < 3; i++) vf[j * 3 + i] = (float) values[j][i];
        }
        for (int i = 0; i < d; i++) qf[i] = (float) q[i];
        float[] expected = OnlineSoftmax.plain(qf, kf, vf, t, (float) (1 / Math.sqrt(d)), null);
        assertClose(Inference.attendToCache(q, keys, values), new double[] {expected[0], expected[1], expected[2]}, 1e-5);
    }

    @Test
    @Points(6)
    void oneOnlineSoftmaxStep() {
        double[] start = {Double.NEGATIVE_INFINITY, 0, 0};
        double[] one = Inference.onlineSoftmaxStep(start, new double[] {0}, new double[][] {{2}});
        assertClose(one, new double[] {0, 1, 2}, 1e-12);
        double[] two = Inference.onlineSoftmaxStep(one, new double[] {Math.log(3)}, new double[][] {{4}});
        assertClose(two, new double[] {Math.log(3), 4 / 3.0, 2 / 3.0 + 4}, 1e-12);
        assertThat(two[2] / two[1]).isCloseTo(3.5, within(1e-12));
        // tile by tile equals all at once
        var random = new SplittableRandom(2);
        double[] scores = random.doubles(20, -5, 5).toArray();
        double[][] values = new double[20][];
        for (int j = 0; j < 20; j++) values[j] = random.doubles(2, -1, 1).toArray();
        double[] whole = Inference.onlineSoftmaxStep(new double[] {Double.NEGATIVE_INFINITY, 0, 0, 0}, scores, values);
        double[] tiles = {Double.NEGATIVE_INFINITY, 0, 0, 0};
        for (int s = 0; s < 20; s += 6) {
            int end = Math.min(20, s + 6);
            tiles = Inference.onlineSoftmaxStep(tiles, Arrays.copyOfRange(scores, s, end), Arrays.copyOfRange(values, s, end));
        }
        assertClose(tiles, whole, 1e-9);
    }

    @Test
    @Points(3)
    void blocksForAPagedCache() {
        assertThat(Inference.blocksNeeded(33, 16)).isEqualTo(3);
        assertThat(Inference.blocksNeeded(32, 16)).isEqualTo(2);
        assertThat(Inference.blocksNeeded(0, 16)).isZero();
        assertThat(Inference.blocksNeeded(1000, 7)).isEqualTo(new PagedKvCache(1, 7).blocksFor(1000));
    }

    @Test
    @Points(4)
    void wasteOfAPagedCache() {
        assertThat(Inference.pagedWaste(new int[] {33, 32, 1}, 16)).isEqualTo(30);
        int[] lengths = Batching.randomLengths(50, 1, 500, 3);
        var cache = new PagedKvCache(10_000, 16);
        for (int r = 0; r < lengths.length; r++) cache.append(r, lengths[r]);
        assertThat(Inference.pagedWaste(lengths, 16)).isEqualTo(cache.wastedSlots());
    }

    @Test
    @Points(4)
    void stepsOfStaticBatching() {
        assertThat(Inference.staticSteps(new int[] {3, 1, 2}, 2)).isEqualTo(5);
        int[] lengths = Batching.randomLengths(100, 1, 200, 4);
        for (int batch : new int[] {1, 5, 32}) {
            assertThat(Inference.staticSteps(lengths, batch)).isEqualTo(Batching.staticBatching(lengths, batch).steps());
        }
    }

    @Test
    @Points(6)
    void stepsOfContinuousBatching() {
        assertThat(Inference.continuousSteps(new int[] {3, 1, 2}, 2)).isEqualTo(3);
        int[] lengths = Batching.randomLengths(100, 1, 200, 5);
        for (int batch : new int[] {1, 5, 32}) {
            assertThat(Inference.continuousSteps(lengths, batch)).isEqualTo(Batching.continuousBatching(lengths, batch).steps());
        }
    }

    @Test
    @Points(5)
    void aRowSplitProductSumsToTheFullOne() {
        assertThat(Inference.rowParallelMatmul(new double[][] {{1, 2}}, new double[][] {{3}, {4}}, 1))
                .isDeepEqualTo(new double[][] {{11}});
        var random = new SplittableRandom(6);
        double[][] x = new double[3][5], w = new double[5][4];
        for (double[] row : x) Arrays.setAll(row, i -> random.nextDouble(-1, 1));
        for (double[] row : w) Arrays.setAll(row, i -> random.nextDouble(-1, 1));
        for (int split = 0; split <= 5; split++) {
            double[][] y = Inference.rowParallelMatmul(x, w, split);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    double expected = 0;
                    for (int p = 0; p < 5; p++) expected += x[i][p] * w[p][j];
                    assertThat(y[i][j]).as("split %d, (%d, %d)", split, i, j).isCloseTo(expected, within(1e-12));
                }
            }
        }
    }
}
