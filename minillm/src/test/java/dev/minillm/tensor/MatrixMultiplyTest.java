package dev.minillm.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.minillm.tensor.TensorAssert.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The matmul op (batching, broadcasting, transposed views read in place, the gradient) against a
 * plain triple loop in double precision. Tolerance 1e-5 relative + 1e-5 absolute.
 */
class MatrixMultiplyTest {

    /** C = A·B for 2-D arrays, in double. */
    private static double[][] reference(float[][] a, float[][] b) {
        int m = a.length, k = b.length, n = b[0].length;
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    c[i][j] += (double) a[i][p] * b[p][j];
                }
            }
        }
        return c;
    }

    private static Tensor toTensor(double[][] c) {
        float[][] rows = new float[c.length][];
        for (int i = 0; i < c.length; i++) {
            rows[i] = new float[c[i].length];
            for (int j = 0; j < c[i].length; j++) {
                rows[i][j] = (float) c[i][j];
            }
        }
        return Tensor.matrix(rows);
    }

    private static float[][] matrix(Tensor t) {
        return t.contiguous().toMatrix();
    }

    @ParameterizedTest(name = "{0}×{1} · {1}×{2}")
    @CsvSource({"1, 1, 1", "3, 4, 5", "17, 9, 33", "64, 64, 64", "70, 130, 90", "1, 300, 7"})
    void everyLayoutGivesTheTextbookProductAndGradient(int m, int k, int n) {
        Tensor a = Tensor.randn(m * 1000L + k, m, k), b = Tensor.randn(n * 1000L + k + 1, k, n);
        Tensor g = Tensor.randn(5, m, n); // upstream gradient
        Tensor expected = toTensor(reference(matrix(a), matrix(b)));
        Tensor expectedGradA = toTensor(reference(matrix(g), matrix(b.transpose()))); // G·Bᵀ
        Tensor expectedGradB = toTensor(reference(matrix(a.transpose()), matrix(g))); // Aᵀ·G
        // the same product with each operand stored plain or transposed (a view of its transpose)
        for (boolean aTransposed : new boolean[] {false, true}) {
            for (boolean bTransposed : new boolean[] {false, true}) {
                Tensor leafA = stored(a, aTransposed), leafB = stored(b, bTransposed);
                Tensor x = aTransposed ? leafA.transpose() : leafA, y = bTransposed ? leafB.transpose() : leafB;
                Tensor c = x.matmul(y);
                String what = "A" + (aTransposed ? "ᵀ" : "") + "·B" + (bTransposed ? "ᵀ" : "");
                assertClose(what, c, expected, 1e-5, 1e-5);
                c.backward(g);
                assertClose(what + " dA", aTransposed ? leafA.grad().transpose() : leafA.grad(), expectedGradA, 1e-5, 1e-5);
                assertClose(what + " dB", bTransposed ? leafB.grad().transpose() : leafB.grad(), expectedGradB, 1e-5, 1e-5);
            }
        }
    }

    /** A leaf holding t, or holding tᵀ (dense) when {@code transposed}, so that leaf.transpose() equals t. */
    private static Tensor stored(Tensor t, boolean transposed) {
        Tensor source = transposed ? t.transpose().contiguous() : t;
        return Tensor.of(source.toArray(), source.shape()).requiresGrad(true);
    }

    @Test
    void batchedMatmulBroadcastsBatchAxesAndSumsTheirGradients() {
        Tensor a = Tensor.randn(1, 2, 1, 3, 4).requiresGrad(true);  // batch (2, 1)
        Tensor b = Tensor.randn(2, 5, 4, 2).requiresGrad(true);     // batch (5)
        Tensor c = a.matmul(b);                                      // batch (2, 5)
        assertThat(c.shape()).containsExactly(2, 5, 3, 2);
        c.sum().backward();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                Tensor ai = a.select(0, i).select(0, 0), bj = b.select(0, j);
                assertClose("batch " + i + "," + j, c.select(0, i).select(0, j),
                        toTensor(reference(matrix(ai), matrix(bj))), 1e-5, 1e-5);
            }
        }
        // dB_j = Σ_i A_iᵀ·1: the broadcast a contributes once per batch entry of b it met
        Tensor ones = Tensor.ones(3, 2);
        for (int j = 0; j < 5; j++) {
            double[][] sum = new double[4][2];
            for (int i = 0; i < 2; i++) {
                double[][] part = reference(matrix(a.select(0, i).select(0, 0).transpose()), matrix(ones));
                for (int r = 0; r < 4; r++) {
                    for (int s = 0; s < 2; s++) {
                        sum[r][s] += part[r][s];
                    }
                }
            }
            assertClose("dB " + j, b.grad().select(0, j), toTensor(sum), 1e-5, 1e-5);
        }
    }

    @Test
    void nonContiguousOperandsAreCopiedFirstAndTheirGradientsReachTheBase() {
        Tensor big = Tensor.randn(3, 6, 8).requiresGrad(true);
        Tensor a = big.slice(1, 2, 5);                                // (6, 3), rows with gaps
        Tensor b = Tensor.randn(4, 3, 5, 2).select(1, 1);            // (3, 2), every 5th row
        Tensor c = a.matmul(b);
        Tensor expected = Tensor.of(a.toArray(), 6, 3).matmul(Tensor.of(b.toArray(), 3, 2));
        assertClose("strided operands", c, expected, 0, 0);
        c.sum().backward();
        float[] rowSums = b.sum(1).toArray(); // d(sum of A·B)/dA[i][p] = Σ_j B[p][j]
        assertThat(big.grad().get(4, 3)).isEqualTo(rowSums[1]);
        assertThat(big.grad().get(4, 0)).isZero();
    }

    @Test
    void anEmptyInnerDimensionGivesZeros() {
        Tensor c = Tensor.ones(2, 0).matmul(Tensor.ones(0, 3));
        assertThat(c.toArray()).containsOnly(0f).hasSize(6);
    }
}
