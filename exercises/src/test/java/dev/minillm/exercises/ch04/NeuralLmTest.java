package dev.minillm.exercises.ch04;

import dev.minillm.grading.Points;
import dev.minillm.nn.EmbeddingGeometry;
import dev.minillm.tensor.Embedding;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Graded tests of Chapter 4's exercises, in {@link NeuralLm}. Small cases are worked out by hand;
 * the embedding backward, the loss, its gradient and the cosine are also checked against the library.
 */
@DisplayName("Chapter 4: neural language models")
class NeuralLmTest {

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double[][] random(SplittableRandom random, int rows, int columns) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextDouble(-1, 1);
            }
        }
        return m;
    }

    private static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    @Test
    @Points(4)
    @DisplayName("1. embeddingLookup copies the rows of the ids and rejects unknown ids")
    void lookup() {
        double[][] table = {{1, 2}, {3, 4}, {5, 6}};
        double[][] rows = NeuralLm.embeddingLookup(table, new int[] {2, 0, 2});
        assertThat(rows).isDeepEqualTo(new double[][] {{5, 6}, {1, 2}, {5, 6}});
        rows[0][0] = 99;
        assertThat(table[2][0]).as("the table must not change when the result does").isEqualTo(5);
        assertThatThrownBy(() -> NeuralLm.embeddingLookup(table, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3");
    }

    @Test
    @Points(4)
    @DisplayName("2. embeddingBackward scatter-adds into the rows used, as the library's Embedding")
    void lookupBackward() {
        assertThat(NeuralLm.embeddingBackward(3, new int[] {2, 0, 2}, new double[][] {{1, 1}, {2, 2}, {3, 3}}))
                .isDeepEqualTo(new double[][] {{2, 2}, {0, 0}, {4, 4}});

        var embedding = new Embedding(6, 4, new SplittableRandom(1));
        int[] ids = {5, 1, 5, 5, 0};
        var weights = Tensor.randn(2, ids.length, 4);                  // an arbitrary upstream gradient
        embedding.forward(new int[][] {ids}).mul(weights.reshape(1, ids.length, 4)).sum().backward();
        float[] upstream = weights.toArray();
        double[][] up = new double[ids.length][4];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < 4; j++) {
                up[i][j] = upstream[i * 4 + j];
            }
        }
        double[][] grad = NeuralLm.embeddingBackward(6, ids, up);
        float[] expected = embedding.weight().grad().toArray();
        for (int v = 0; v < 6; v++) {
            for (int j = 0; j < 4; j++) {
                assertThat(grad[v][j]).as("row %d column %d", v, j).isCloseTo(expected[v * 4 + j], within(1e-5));
            }
        }
    }

    @Test
    @Points(4)
    @DisplayName("3. softmax sums to 1 and survives large logits")
    void softmax() {
        assertClose(NeuralLm.softmax(new double[] {0, 0}), new double[] {0.5, 0.5}, 1e-12);
        assertClose(NeuralLm.softmax(new double[] {1000, 0}), new double[] {1, 0}, 1e-12);
        double[] p = NeuralLm.softmax(new double[] {1, 2, 3});
        double e = Math.E;
        double sum = e + e * e + e * e * e;
        assertClose(p, new double[] {e / sum, e * e / sum, e * e * e / sum}, 1e-12);
    }

    @Test
    @Points(4)
    @DisplayName("4. crossEntropy is -log softmax[target], stable, and equals the library's")
    void crossEntropy() {
        assertThat(NeuralLm.crossEntropy(new double[] {0, 0, 0, 0}, 2)).isCloseTo(Math.log(4), within(1e-12));
        assertThat(NeuralLm.crossEntropy(new double[] {1000, 0}, 1)).isCloseTo(1000, within(1e-9));
        double[] logits = {0.3, -1.2, 2.5, 0.0, 1.1};
        double library = Tensor.of(floats(logits), 1, 5).crossEntropy(3).item();
        assertThat(NeuralLm.crossEntropy(logits, 3)).isCloseTo(library, within(1e-5));
        assertThatThrownBy(() -> NeuralLm.crossEntropy(logits, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    @DisplayName("5. crossEntropyGradient is softmax - onehot, as the library's backward")
    void crossEntropyGradient() {
        assertClose(NeuralLm.crossEntropyGradient(new double[] {0, 0}, 0), new double[] {-0.5, 0.5}, 1e-12);
        double[] logits = {0.3, -1.2, 2.5, 0.0, 1.1};
        var tensor = Tensor.of(floats(logits), 1, 5).requiresGrad(true);
        tensor.crossEntropy(1).backward();
        float[] expected = tensor.grad().toArray();
        double[] grad = NeuralLm.crossEntropyGradient(logits, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(grad[i]).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    @Points(4)
    @DisplayName("6. mlpForward computes U·tanh(H·x + d) + b on concatenated embeddings")
    void mlpForward() {
        double t = Math.tanh(2);
        assertClose(NeuralLm.mlpForward(new double[][] {{1}, {-1}}, new double[][] {{1, 1}}, new double[] {0},
                new double[][] {{1}, {-1}}, new double[] {0, 0}, new int[] {0, 0}), new double[] {t, -t}, 1e-12);

        // V = 5, m = 3, n = 2, h = 4, against Tensor arithmetic
        var random = new SplittableRandom(7);
        double[][] c = random(random, 5, 3), h = random(random, 4, 6), u = random(random, 5, 4);
        double[] d = random(random, 1, 4)[0], b = random(random, 1, 5)[0];
        int[] context = {4, 1};
        double[] x = new double[6];
        System.arraycopy(c[4], 0, x, 0, 3);
        System.arraycopy(c[1], 0, x, 3, 3);
        var hidden = Tensor.of(floats(x), 1, 6).matmul(Tensor.matrix(toFloat(h)).transpose())
                .add(Tensor.of(floats(d), 1, 4)).tanh();
        float[] expected = hidden.matmul(Tensor.matrix(toFloat(u)).transpose()).add(Tensor.of(floats(b), 1, 5)).toArray();
        double[] y = NeuralLm.mlpForward(c, h, d, u, b, context);
        for (int v = 0; v < 5; v++) {
            assertThat(y[v]).as("logit %d", v).isCloseTo(expected[v], within(1e-5));
        }
    }

    private static float[][] toFloat(double[][] m) {
        float[][] f = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            f[i] = floats(m[i]);
        }
        return f;
    }

    @Test
    @Points(4)
    @DisplayName("7. sgdStep shrinks by lr·λ·p and steps by lr·g")
    void sgdStep() {
        double[] p = {1, -2};
        assertClose(NeuralLm.sgdStep(p, new double[] {0.5, 0}, 0.1, 0.5), new double[] {0.9, -1.9}, 1e-12);
        assertThat(p).as("the parameters passed in are not changed").containsExactly(1, -2);
        assertClose(NeuralLm.sgdStep(new double[] {3}, new double[] {1}, 0.5, 0), new double[] {2.5}, 1e-12);
        assertThatThrownBy(() -> NeuralLm.sgdStep(p, new double[] {1}, 0.1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    @DisplayName("8. invertedDropout drops with the seeded draws and scales the rest by 1/(1-p)")
    void dropout() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        assertClose(NeuralLm.invertedDropout(x, 0, 1), x, 0);
        var random = new SplittableRandom(42);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = random.nextDouble() < 0.25 ? 0 : x[i] / 0.75;
        }
        assertClose(NeuralLm.invertedDropout(x, 0.25, 42), expected, 1e-12);
        double[] ones = new double[100_000];
        Arrays.fill(ones, 1);
        double mean = Arrays.stream(NeuralLm.invertedDropout(ones, 0.5, 3)).average().orElseThrow();
        assertThat(mean).as("the expected value is kept").isCloseTo(1, within(0.02));
        assertThatThrownBy(() -> NeuralLm.invertedDropout(x, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(4)
    @DisplayName("9. nearest ranks other tokens by cosine similarity")
    void nearest() {
        double[][] table = {{1, 0}, {0, 1}, {2, 0.1}, {-1, 0}};
        assertThat(NeuralLm.nearest(table, 0, 2)).containsExactly(2, 1);
        assertThat(NeuralLm.nearest(table, 3, 10)).as("all others, most similar first").containsExactly(1, 2, 0);
        var random = new SplittableRandom(5);
        double[][] big = random(random, 12, 5);
        int[] ids = NeuralLm.nearest(big, 4, 3);
        double previous = Double.POSITIVE_INFINITY;
        for (int id : ids) {
            double cosine = EmbeddingGeometry.cosineSimilarity(floats(big[4]), floats(big[id]));
            assertThat(cosine).isLessThanOrEqualTo(previous + 1e-6);
            previous = cosine;
        }
        assertThat(ids).doesNotContain(4).hasSize(3);
    }

    @Test
    @Points(4)
    @DisplayName("10. perplexity is e^(mean loss)")
    void perplexity() {
        assertThat(NeuralLm.perplexity(new double[] {Math.log(4), Math.log(4)})).isCloseTo(4, within(1e-12));
        assertThat(NeuralLm.perplexity(new double[] {0, 2})).isCloseTo(Math.E, within(1e-12));
        assertThatThrownBy(() -> NeuralLm.perplexity(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
