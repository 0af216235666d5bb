package dev.minillm.tensor;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Creation, element access, views and strides, broadcasting, the forward values of ops, printing. */
class TensorTest {

    private static float[] values(Tensor t) {
        return t.toArray();
    }

    @Nested
    class Creation {
        @Test
        void factoriesMakeTheRequestedShapeAndValues() {
            assertThat(Tensor.zeros(2, 3).shape()).containsExactly(2, 3);
            assertThat(values(Tensor.zeros(2, 3))).containsOnly(0f).hasSize(6);
            assertThat(values(Tensor.ones(4))).containsExactly(1, 1, 1, 1);
            assertThat(values(Tensor.full(2.5f, 2, 2))).containsOnly(2.5f);
            assertThat(values(Tensor.arange(4))).containsExactly(0, 1, 2, 3);
            assertThat(values(Tensor.arange(1, 2, 0.25f))).containsExactly(1f, 1.25f, 1.5f, 1.75f);
            assertThat(values(Tensor.arange(3, 0, -1))).containsExactly(3, 2, 1);
            assertThat(values(Tensor.vector(1, 2, 3))).containsExactly(1, 2, 3);
            assertThat(Tensor.matrix(new float[][] {{1, 2}, {3, 4}, {5, 6}}).shape()).containsExactly(3, 2);
            assertThat(values(Tensor.tril(3))).containsExactly(1, 0, 0, 1, 1, 0, 1, 1, 1);
        }

        @Test
        void aScalarHasRankZeroAndOneElement() {
            Tensor s = Tensor.scalar(4f);
            assertThat(s.rank()).isZero();
            assertThat(s.size()).isEqualTo(1);
            assertThat(s.item()).isEqualTo(4f);
            assertThat(Tensor.zeros().rank()).isZero();
            assertThat(Tensor.of(new float[] {7}).shape()).isEmpty();
        }

        @Test
        void ofWrapsWithoutCopyingAndChecksTheSize() {
            float[] data = {1, 2, 3, 4, 5, 6};
            Tensor t = Tensor.of(data, 2, 3);
            data[4] = 50;
            assertThat(t.get(1, 1)).isEqualTo(50);
            assertThatThrownBy(() -> Tensor.of(data, 4, 2)).hasMessageContaining("shape [4, 2] holds 8 elements but 6");
            assertThatThrownBy(() -> Tensor.of(data)).hasMessageContaining("Tensor.of(values, values.length)");
            assertThatThrownBy(() -> Tensor.matrix(new float[][] {{1}, {2, 3}})).hasMessageContaining("row 1");
            assertThatThrownBy(() -> Tensor.zeros(2, -1)).hasMessageContaining("negative");
        }

        @Test
        void randomTensorsRepeatWithTheSeed() {
            assertThat(values(Tensor.randn(7, 3, 3))).containsExactly(values(Tensor.randn(7, 3, 3)));
            assertThat(values(Tensor.randn(7, 9))).isNotEqualTo(values(Tensor.randn(8, 9)));
            assertThat(values(Tensor.randn(new SplittableRandom(7), 9))).containsExactly(values(Tensor.randn(7, 9)));
            float[] normal = values(Tensor.randn(1, 20_000));
            double mean = 0, squares = 0;
            for (float v : normal) {
                mean += v / normal.length;
                squares += v * v / normal.length;
            }
            assertThat(mean).isCloseTo(0, within(0.03));
            assertThat(squares - mean * mean).isCloseTo(1, within(0.05));
            Tensor uniform = Tensor.uniform(new SplittableRandom(2), -1, 3, 1000);
            assertThat(uniform.max().item()).isLessThan(3).isGreaterThan(2.9f);
            assertThat(uniform.neg().max().item()).isLessThanOrEqualTo(1).isGreaterThan(0.9f);
            assertThat(Tensor.rand(3, 100).max().item()).isLessThan(1);
        }
    }

    @Nested
    class Elements {
        @Test
        void getAndSetByIndexWithNegativeIndicesFromTheEnd() {
            Tensor t = Tensor.arange(6).reshape(2, 3);
            assertThat(t.get(1, 2)).isEqualTo(5);
            assertThat(t.get(-1, -3)).isEqualTo(3);
            t.set(42, 0, 1);
            assertThat(t.get(0, 1)).isEqualTo(42);
            assertThatThrownBy(() -> t.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("index 2 is out of range for axis 0 of size 2");
            assertThatThrownBy(() -> t.get(1)).hasMessageContaining("needs 2 indices, got 1");
        }

        @Test
        void setIsRefusedOnTheOutputOfAnOp() {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            Tensor y = x.mul(2);
            assertThatThrownBy(() -> y.set(0, 0)).hasMessageContaining("output of op 'mul'");
            assertThatThrownBy(() -> Tensor.ones(2).item()).hasMessageContaining("needs exactly one");
        }

        @Test
        void toMatrixAndDataGiveTheNumbers() {
            Tensor t = Tensor.arange(6).reshape(2, 3);
            assertThat(t.toMatrix()).isDeepEqualTo(new float[][] {{0, 1, 2}, {3, 4, 5}});
            assertThat(t.transpose().toMatrix()).isDeepEqualTo(new float[][] {{0, 3}, {1, 4}, {2, 5}});
            assertThat(t.data()).containsExactly(0, 1, 2, 3, 4, 5);
            assertThatThrownBy(() -> t.transpose().data()).hasMessageContaining("contiguous()");
        }

        @Test
        void allCloseComparesWithTolerances() {
            assertThat(Tensor.vector(1, 2).allClose(Tensor.vector(1.0001f, 2), 1e-3f, 0)).isTrue();
            assertThat(Tensor.vector(1, 2).allClose(Tensor.vector(1.1f, 2), 1e-3f, 0)).isFalse();
            assertThat(Tensor.vector(1, 2).allClose(Tensor.vector(1, 2).reshape(1, 2), 1, 1)).isFalse();
        }
    }

    @Nested
    class Views {
        @Test
        void transposeSwapsStridesAndSharesStorage() {
            Tensor a = Tensor.arange(6).reshape(2, 3);
            Tensor t = a.transpose();
            assertThat(t.shape()).containsExactly(3, 2);
            assertThat(a.strides()).containsExactly(3, 1);
            assertThat(t.strides()).containsExactly(1, 3);
            assertThat(t.isContiguous()).isFalse();
            assertThat(values(t)).containsExactly(0, 3, 1, 4, 2, 5);
            a.set(100, 0, 2);
            assertThat(t.get(2, 0)).isEqualTo(100); // same storage
        }

        @Test
        void reshapeIsAViewWhenContiguousAndACopyOtherwise() {
            Tensor a = Tensor.arange(6);
            Tensor r = a.reshape(3, -1);
            assertThat(r.shape()).containsExactly(3, 2);
            a.set(9, 5);
            assertThat(r.get(2, 1)).isEqualTo(9);
            Tensor t = Tensor.arange(6).reshape(2, 3).transpose().reshape(6); // needs a copy
            assertThat(values(t)).containsExactly(0, 3, 1, 4, 2, 5);
            assertThat(a.reshape(6)).isSameAs(a);
            assertThatThrownBy(() -> a.reshape(4, -1)).hasMessageContaining("cannot view shape [6] (6 elements) as [4, -1]");
            assertThatThrownBy(() -> a.reshape(-1, -1)).hasMessageContaining("at most one -1");
        }

        @Test
        void slicesAndSelectsMoveTheOffset() {
            Tensor a = Tensor.arange(12).reshape(3, 4);
            Tensor s = a.slice(1, 1, 3);
            assertThat(s.shape()).containsExactly(3, 2);
            assertThat(s.offset()).isEqualTo(1);
            assertThat(values(s)).containsExactly(1, 2, 5, 6, 9, 10);
            assertThat(values(a.slice(0, -1, 3))).containsExactly(8, 9, 10, 11);
            assertThat(values(a.select(1, 3))).containsExactly(3, 7, 11);
            assertThat(values(a.select(0, -1))).containsExactly(8, 9, 10, 11);
            assertThatThrownBy(() -> a.slice(0, 2, 5)).hasMessageContaining("[2, 5) does not fit axis 0 of size 3");
            assertThatThrownBy(() -> a.select(1, 4)).hasMessageContaining("index 4 is out of range for axis 1");
        }

        @Test
        void permuteUnsqueezeSqueezeAndExpand() {
            Tensor a = Tensor.arange(24).reshape(2, 3, 4);
            Tensor p = a.permute(2, 0, 1);
            assertThat(p.shape()).containsExactly(4, 2, 3);
            assertThat(p.get(3, 1, 2)).isEqualTo(a.get(1, 2, 3));
            assertThat(a.unsqueeze(1).shape()).containsExactly(2, 1, 3, 4);
            assertThat(a.unsqueeze(-1).shape()).containsExactly(2, 3, 4, 1);
            assertThat(a.unsqueeze(0).squeeze(0).shape()).containsExactly(2, 3, 4);
            Tensor e = Tensor.vector(1, 2, 3).reshape(3, 1).expand(2, 3, 4);
            assertThat(e.shape()).containsExactly(2, 3, 4);
            assertThat(e.strides()).containsExactly(0, 1, 0);
            assertThat(e.get(1, 2, 3)).isEqualTo(3);
            assertThat(Tensor.ones(3, 1).expand(-1, 5).shape()).containsExactly(3, 5);
            assertThatThrownBy(() -> a.permute(0, 0, 1)).hasMessageContaining("appears twice");
            assertThatThrownBy(() -> a.squeeze(1)).hasMessageContaining("has size 3, not 1");
            assertThatThrownBy(() -> Tensor.ones(3, 2).expand(3, 4)).hasMessageContaining("axis 1: 2 is neither 4 nor 1");
            assertThatThrownBy(() -> a.transpose(0, 3)).hasMessageContaining("axis 3 is out of range for a tensor of rank 3");
        }

        @Test
        void contiguousCopiesOnlyViews() {
            Tensor a = Tensor.arange(6).reshape(2, 3);
            assertThat(a.contiguous()).isSameAs(a);
            Tensor c = a.transpose().contiguous();
            assertThat(c.isContiguous()).isTrue();
            assertThat(c.data()).containsExactly(0, 3, 1, 4, 2, 5);
        }

        @Test
        void concatSplitAndChunk() {
            Tensor a = Tensor.arange(4).reshape(2, 2), b = Tensor.arange(6).add(10).reshape(2, 3);
            Tensor c = Tensor.concat(1, a, b);
            assertThat(c.toMatrix()).isDeepEqualTo(new float[][] {{0, 1, 10, 11, 12}, {2, 3, 13, 14, 15}});
            assertThat(values(Tensor.concat(0, List.of(a, a)))).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
            List<Tensor> parts = c.split(1, 2, 3);
            assertThat(values(parts.get(0))).containsExactly(values(a));
            assertThat(values(parts.get(1))).containsExactly(values(b));
            assertThat(Tensor.arange(7).chunk(3, 0)).extracting(Tensor::size).containsExactly(3, 3, 1);
            assertThatThrownBy(() -> Tensor.concat(0, a, b)).hasMessageContaining("differ on an axis other than 0");
            assertThatThrownBy(() -> c.split(1, 2, 2)).hasMessageContaining("add up to 4 but axis 1");
        }

        @Test
        void indexSelectPicksRowsOrColumns() {
            Tensor table = Tensor.arange(12).reshape(4, 3);
            assertThat(table.indexSelect(0, 3, 0, 3).toMatrix())
                    .isDeepEqualTo(new float[][] {{9, 10, 11}, {0, 1, 2}, {9, 10, 11}});
            assertThat(values(table.indexSelect(1, 2, 0))).containsExactly(2, 0, 5, 3, 8, 6, 11, 9);
            assertThatThrownBy(() -> table.indexSelect(0, 4)).hasMessageContaining("index 4 (position 0) is out of range");
        }
    }

    @Nested
    class Arithmetic {
        @Test
        void broadcastingFollowsNumPyRules() {
            Tensor row = Tensor.vector(10, 20, 30), column = Tensor.vector(1, 2).reshape(2, 1);
            assertThat(column.add(row).toMatrix()).isDeepEqualTo(new float[][] {{11, 21, 31}, {12, 22, 32}});
            assertThat(Tensor.ones(2, 3).mul(row).toMatrix()).isDeepEqualTo(new float[][] {{10, 20, 30}, {10, 20, 30}});
            assertThat(Tensor.scalar(2).mul(Tensor.vector(1, 2)).shape()).containsExactly(2);
            assertThatThrownBy(() -> Tensor.ones(2, 3).add(Tensor.ones(2)))
                    .hasMessage("add: shapes [2, 3] and [2] do not broadcast (axis -1: 3 vs 2; dimensions must be equal or 1)");
        }

        @Test
        void elementwiseOpsComputeTheirFunctions() {
            Tensor x = Tensor.vector(-2, -0.5f, 0.5f, 2);
            assertThat(values(x.relu())).containsExactly(0, 0, 0.5f, 2);
            assertThat(values(x.abs())).containsExactly(2, 0.5f, 0.5f, 2);
            assertThat(values(x.neg())).containsExactly(2, 0.5f, -0.5f, -2);
            assertThat(values(x.pow(2))).containsExactly(4, 0.25f, 0.25f, 4);
            assertThat(values(x.sub(1).div(2))).containsExactly(-1.5f, -0.75f, -0.25f, 0.5f);
            assertThat(x.sigmoid().get(3)).isCloseTo((float) (1 / (1 + Math.exp(-2))), within(1e-7f));
            assertThat(x.tanh().get(0)).isCloseTo((float) Math.tanh(-2), within(1e-7f));
            assertThat(x.silu().get(3)).isCloseTo((float) (2 / (1 + Math.exp(-2))), within(1e-6f));
            assertThat(x.exp().log().allClose(x, 1e-6f, 1e-6f)).isTrue();
            assertThat(x.pow(2).sqrt().allClose(x.abs(), 1e-6f, 0)).isTrue();
            // GELU (tanh approximation) at 1: 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.841192
            assertThat(Tensor.scalar(1).gelu().item()).isCloseTo(0.841192f, within(1e-6f));
            assertThat(Tensor.scalar(-100).sigmoid().item()).isEqualTo(0f);
        }

        @Test
        void reductionsAlongAxes() {
            Tensor x = Tensor.arange(6).reshape(2, 3); // [[0,1,2],[3,4,5]]
            assertThat(x.sum().item()).isEqualTo(15);
            assertThat(values(x.sum(0))).containsExactly(3, 5, 7);
            assertThat(x.sum(1, true).shape()).containsExactly(2, 1);
            assertThat(values(x.sum(new int[] {0, 1}, false))).containsExactly(15);
            assertThat(x.sum(new int[] {-1, 0}, true).shape()).containsExactly(1, 1);
            assertThat(x.mean().item()).isEqualTo(2.5f);
            assertThat(values(x.mean(1))).containsExactly(1, 4);
            assertThat(values(x.max(0, false))).containsExactly(3, 4, 5);
            assertThat(x.max().item()).isEqualTo(5);
            assertThat(values(x.var(1, false))).containsExactly(1, 1);
            assertThat(values(x.var(1, false, 0))).containsExactly(2f / 3, 2f / 3);
            assertThat(Tensor.vector(1, Float.NaN, 3).max().item()).isNaN();
            assertThatThrownBy(() -> x.sum(new int[] {1, -1}, false)).hasMessageContaining("listed twice");
            assertThatThrownBy(() -> Tensor.zeros(2, 0).max(1, false)).hasMessageContaining("empty");
        }

        @Test
        void matmulChecksShapes() {
            assertThat(Tensor.ones(2, 3).matmul(Tensor.ones(3, 4)).shape()).containsExactly(2, 4);
            assertThat(Tensor.ones(5, 2, 3).matmul(Tensor.ones(3, 4)).shape()).containsExactly(5, 2, 4);
            assertThatThrownBy(() -> Tensor.ones(2, 3).matmul(Tensor.ones(4, 3)))
                    .hasMessageContaining("matmul: shapes [2, 3] and [4, 3] do not fit: the inner dimensions 3 and 4 differ");
            assertThatThrownBy(() -> Tensor.ones(3).matmul(Tensor.ones(3, 1))).hasMessageContaining("at least 2 axes");
            assertThatThrownBy(() -> Tensor.ones(2, 2, 3).matmul(Tensor.ones(3, 3, 4)))
                    .hasMessageContaining("matmul: shapes [2] and [3] do not broadcast");
        }
    }

    @Nested
    class NeuralOps {
        @Test
        void softmaxRowsSumToOneEvenForHugeLogits() {
            Tensor p = Tensor.matrix(new float[][] {{1000, 1001, 1002}, {-5, 0, 5}}).softmax();
            assertThat(p.sum(1).allClose(Tensor.ones(2), 1e-6f, 1e-6f)).isTrue();
            assertThat(p.get(0, 2)).isCloseTo(0.66524096f, within(1e-6f));
            Tensor logits = Tensor.randn(3, 4, 5);
            assertThat(logits.logSoftmax().allClose(logits.softmax().log(), 1e-5f, 1e-6f)).isTrue();
            assertThat(logits.softmax(0).sum(0).allClose(Tensor.ones(5), 1e-6f, 1e-6f)).isTrue();
            assertThat(values(Tensor.vector(-1000, 0).logSoftmax())).containsExactly(-1000, 0);
        }

        @Test
        void crossEntropyIsTheMeanNegativeLogLikelihood() {
            Tensor logits = Tensor.randn(5, 3, 4);
            int[] targets = {0, 3, 1};
            Tensor logp = logits.logSoftmax();
            float expected = -(logp.get(0, 0) + logp.get(1, 3) + logp.get(2, 1)) / 3;
            assertThat(logits.crossEntropy(targets).item()).isCloseTo(expected, within(1e-6f));
            assertThat(logits.crossEntropy(new int[] {0, -1, 1}, -1).item())
                    .isCloseTo(-(logp.get(0, 0) + logp.get(2, 1)) / 2, within(1e-6f));
            assertThat(Tensor.vector(0, 1000).reshape(1, 2).crossEntropy(1).item()).isEqualTo(0f);
            assertThatThrownBy(() -> logits.crossEntropy(0, 1)).hasMessageContaining("3 rows (one per position) but 2 targets");
            assertThatThrownBy(() -> logits.crossEntropy(0, 4, 1)).hasMessageContaining("target 4 at position 1 is not a class index in [0, 4)");
        }

        @Test
        void crossEntropyWithEveryRowIgnoredIsZeroWithZeroGradient() {
            Tensor logits = Tensor.randn(1, 2, 3).requiresGrad(true);
            Tensor loss = logits.crossEntropy(new int[] {-100, -100}, -100);
            assertThat(loss.item()).isZero();
            loss.backward();
            assertThat(logits.grad().allClose(Tensor.zeros(2, 3), 0, 0)).isTrue();
        }

        @Test
        void layerNormAndRmsNormNormaliseRows() {
            Tensor x = Tensor.randn(6, 4, 16).mul(3).add(5);
            Tensor y = x.layerNorm(null, null, 1e-5f);
            assertThat(y.mean(-1).allClose(Tensor.zeros(4), 0, 1e-5f)).isTrue();
            assertThat(y.var(-1, false, 0).allClose(Tensor.ones(4), 1e-3f, 0)).isTrue();
            Tensor r = x.rmsNorm(null, 0);
            assertThat(r.pow(2).mean(-1).allClose(Tensor.ones(4), 1e-5f, 0)).isTrue();
            Tensor w = Tensor.full(2, 16), b = Tensor.full(1, 16);
            assertThat(x.layerNorm(w, b, 1e-5f).allClose(y.mul(2).add(1), 1e-5f, 1e-5f)).isTrue();
            assertThatThrownBy(() -> x.layerNorm(Tensor.ones(8), null, 1e-5f))
                    .hasMessageContaining("layerNorm: weight has shape [8] but x has shape [4, 16]; it must be [16]");
        }

        @Test
        void dropoutIsSeededAndKeepsTheExpectation() {
            Tensor x = Tensor.ones(100, 100);
            Tensor y = x.dropout(0.25f, new SplittableRandom(3));
            assertThat(values(y)).containsOnly(0f, 1f / 0.75f);
            long zeros = 0;
            for (float v : values(y)) {
                zeros += v == 0 ? 1 : 0;
            }
            assertThat(zeros / 10_000.0).isCloseTo(0.25, within(0.02));
            assertThat(y.mean().item()).isCloseTo(1f, within(0.03f));
            assertThat(values(x.dropout(0.25f, new SplittableRandom(3)))).containsExactly(values(y));
            assertThat(x.dropout(0, new SplittableRandom(3))).isSameAs(x);
            assertThat(values(x.dropout(1, new SplittableRandom(3)))).containsOnly(0f);
            assertThatThrownBy(() -> x.dropout(1.5f, new SplittableRandom(3))).hasMessageContaining("[0, 1]");
        }

        @Test
        void maskedFillBroadcastsTheMask() {
            Tensor scores = Tensor.zeros(2, 3, 3);
            Tensor future = Tensor.ones(3, 3).sub(Tensor.tril(3));
            Tensor masked = scores.maskedFill(future, Float.NEGATIVE_INFINITY);
            assertThat(masked.get(1, 0, 2)).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(masked.get(1, 2, 0)).isZero();
            assertThat(values(masked.softmax().select(0, 0).select(0, 1))).containsExactly(0.5f, 0.5f, 0f);
            assertThatThrownBy(() -> Tensor.zeros(3).maskedFill(Tensor.ones(2, 3), 0))
                    .hasMessageContaining("must broadcast to the tensor's shape [3]");
        }

        @Test
        void largeRowOpsRunInParallelWithTheSameResultsAsRowByRow() {
            // 512 rows × 300 columns is above Parallel.THRESHOLD; one row alone is below it
            Tensor x = Tensor.randn(11, 512, 300);
            int[] targets = new int[512];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (i * 7) % 300;
            }
            Tensor softmax = x.softmax(), layerNorm = x.layerNorm(null, null, 1e-5f);
            double loss = 0;
            for (int r = 0; r < 512; r++) {
                Tensor row = x.slice(0, r, r + 1);
                assertThat(values(softmax.slice(0, r, r + 1))).containsExactly(values(row.softmax()));
                assertThat(values(layerNorm.slice(0, r, r + 1))).containsExactly(values(row.layerNorm(null, null, 1e-5f)));
                loss += row.crossEntropy(targets[r]).item();
            }
            assertThat(x.crossEntropy(targets).item()).isCloseTo((float) (loss / 512), within(1e-5f));
        }
    }

    @Nested
    class Printing {
        @Test
        void printsLikePyTorch() {
            assertThat(Tensor.arange(3)).hasToString("tensor([0., 1., 2.])");
            assertThat(Tensor.scalar(2.5f)).hasToString("tensor(2.5000)");
            assertThat(Tensor.matrix(new float[][] {{1, -2.5f}, {3, 4}})).hasToString(
                    "tensor([[ 1.0000, -2.5000],\n        [ 3.0000,  4.0000]])");
            assertThat(Tensor.arange(8).reshape(2, 2, 2)).hasToString(
                    "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
            assertThat(Tensor.vector(1e-6f, 1)).hasToString("tensor([1.0000e-06, 1.0000e+00])");
            assertThat(Tensor.vector(Float.NaN, Float.NEGATIVE_INFINITY, 1)).hasToString("tensor([ nan, -inf,   1.])");
        }

        @Test
        void showsGradientInformationAndSummarisesLargeTensors() {
            Tensor w = Tensor.ones(2).requiresGrad(true).named("w");
            assertThat(w).hasToString("tensor([1., 1.], requiresGrad=true, name=w)");
            assertThat(w.mul(2)).hasToString("tensor([2., 2.], gradFn=mul)");
            String big = Tensor.arange(2000).reshape(40, 50).toString();
            assertThat(big).startsWith("tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],")
                    .contains("        ...,\n").endsWith("1997., 1998., 1999.]], shape=[40, 50])");
        }
    }
}
