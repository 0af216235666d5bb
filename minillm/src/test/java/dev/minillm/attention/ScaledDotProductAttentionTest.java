package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.minillm.attention.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScaledDotProductAttentionTest {

    private static AttentionOutput attend(Tensor q, Tensor k, Tensor v, Options options) {
        return ScaledDotProductAttention.attend(q, k, v, options);
    }

    @Test
    void aWorkedExampleByHand() {
        // one query, two keys: the query matches the first key (dot 1) and not the second (dot 0)
        Tensor q = Tensor.matrix(new float[][] {{1, 0}});
        Tensor k = Tensor.matrix(new float[][] {{1, 0}, {0, 1}});
        Tensor v = Tensor.matrix(new float[][] {{1, 2}, {3, 4}});
        AttentionOutput out = attend(q, k, v, Options.defaults().withWeights(true));
        double first = Math.exp(1 / Math.sqrt(2)), second = Math.exp(0);
        double w0 = first / (first + second), w1 = second / (first + second); // 0.670, 0.330
        assertThat(out.weights().toArray()).containsExactly(new float[] {(float) w0, (float) w1}, within(1e-6f));
        assertThat(out.output().toArray()).containsExactly(new float[] {(float) (w0 * 1 + w1 * 3), (float) (w0 * 2 + w1 * 4)},
                within(1e-6f));
        assertThat(ScaledDotProductAttention.attend(q, k, v).toArray()).containsExactly(out.output().toArray());
    }

    @Test
    void weightsAreProbabilitiesAndTheCausalMaskHidesTheFuture() {
        Tensor q = Tensor.randn(1, 2, 3, 6, 4), k = Tensor.randn(2, 2, 3, 6, 4), v = Tensor.randn(3, 2, 3, 6, 4);
        for (Kernel kernel : Kernel.values()) {
            Tensor w = attend(q, k, v, Options.defaults().withCausal(true).withKernel(kernel).withWeights(true)).weights();
            assertThat(w.shape()).containsExactly(2, 3, 6, 6);
            float[] values = w.toArray();
            for (int row = 0; row < 2 * 3 * 6; row++) {
                int i = row % 6;
                double sum = 0;
                for (int j = 0; j < 6; j++) {
                    float weight = values[row * 6 + j];
                    sum += weight;
                    if (j > i) {
                        assertThat(weight).as("%s: query %d looks at future key %d", kernel, i, j).isZero();
                    } else {
                        assertThat(weight).isPositive();
                    }
                }
                assertThat(sum).isCloseTo(1, within(1e-6));
            }
        }
    }

    @Test
    void theCausalMaskIsOneAboveTheDiagonalAndAlignsTheLastQueriesWithTheLastKeys() {
        assertThat(ScaledDotProductAttention.causalMask(3, 3).toMatrix())
                .isEqualTo(new float[][] {{0, 1, 1}, {0, 0, 1}, {0, 0, 0}});
        // 2 new positions after 2 cached ones: position 2 sees keys 0..2, position 3 sees all
        assertThat(ScaledDotProductAttention.causalMask(2, 4).toMatrix())
                .isEqualTo(new float[][] {{0, 0, 0, 1}, {0, 0, 0, 0}});
    }

    @Test
    void aCausalOutputDoesNotDependOnLaterPositions() {
        Tensor q = Tensor.randn(1, 1, 7, 4), k = Tensor.randn(2, 1, 7, 4), v = Tensor.randn(3, 1, 7, 4);
        Tensor k2 = k.slice(1, 0, 6).contiguous(), v2 = v.slice(1, 0, 6).contiguous();
        Tensor later = Tensor.concat(1, k2, Tensor.full(9f, 1, 1, 4)), laterV = Tensor.concat(1, v2, Tensor.full(-9f, 1, 1, 4));
        var causal = Options.defaults().withCausal(true);
        Tensor before = attend(q, k, v, causal).output().slice(1, 0, 6);
        Tensor after = attend(q, later, laterV, causal).output().slice(1, 0, 6);
        assertThat(after.toArray()).containsExactly(before.toArray());
    }

    @Test
    void decodingWithCachedKeysGivesTheSameRowsAsTheFullSequence() {
        Tensor q = Tensor.randn(4, 2, 2, 9, 8), k = Tensor.randn(5, 2, 2, 9, 8), v = Tensor.randn(6, 2, 2, 9, 8);
        for (Kernel kernel : Kernel.values()) {
            var causal = Options.defaults().withCausal(true).withKernel(kernel);
            Tensor full = attend(q, k, v, causal).output();
            Tensor lastThree = attend(q.slice(2, 6, 9).contiguous(), k, v, causal).output();
            assertClose(kernel + ": the last 3 queries against all 9 keys", lastThree, full.slice(2, 6, 9).contiguous(), 1e-5, 1e-6);
        }
    }

    @Test
    void aHighTemperatureFlattensTheWeightsAndALowOneSharpensThem() {
        Tensor q = Tensor.randn(7, 1, 8, 16), k = Tensor.randn(8, 1, 8, 16), v = Tensor.randn(9, 1, 8, 16);
        double cold = entropy(attend(q, k, v, Options.defaults().withTemperature(0.25f).withWeights(true)).weights());
        double normal = entropy(attend(q, k, v, Options.defaults().withWeights(true)).weights());
        double hot = entropy(attend(q, k, v, Options.defaults().withTemperature(4f).withWeights(true)).weights());
        assertThat(cold).isLessThan(normal);
        assertThat(normal).isLessThan(hot);
        assertThat(hot).isLessThan(Math.log(8)); // uniform over 8 keys is the limit
        // dividing by the temperature is dividing the queries by it
        Tensor direct = attend(q, k, v, Options.defaults().withTemperature(4f)).output();
        Tensor scaled = attend(q.div(4f), k, v, Options.defaults()).output();
        assertClose("temperature 4", direct, scaled, 1e-5, 1e-6);
    }

    private static double entropy(Tensor weights) {
        float[] w = weights.toArray();
        double sum = 0;
        for (float p : w) {
            sum -= p > 0 ? p * Math.log(p) : 0;
        }
        return sum / (w.length / weights.shape(-1));
    }

    @Test
    void thePaddingMaskHidesPaddedKeys() {
        Tensor q = Tensor.randn(10, 2, 1, 4, 4), k = Tensor.randn(11, 2, 1, 4, 4), v = Tensor.randn(12, 2, 1, 4, 4);
        Tensor keep = Tensor.matrix(new float[][] {{1, 1, 0, 0}, {1, 1, 1, 1}});
        AttentionOutput out = attend(q, k, v, Options.defaults().withPaddingMask(keep).withWeights(true));
        float[] w = out.weights().toArray();
        for (int i = 0; i < 4; i++) {
            assertThat(w[i * 4 + 2]).isZero();
            assertThat(w[i * 4 + 3]).isZero();
            assertThat(w[16 + i * 4 + 3]).isPositive();
        }
        // the padded keys' values do not matter
        Tensor otherV = v.add(Tensor.of(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0}, 2, 1, 4, 4));
        Tensor again = attend(q, k, otherV, Options.defaults().withPaddingMask(keep)).output();
        assertThat(again.slice(0, 0, 1).toArray()).containsExactly(out.output().slice(0, 0, 1).toArray());
    }

    @Test
    void aQueryThatMaySeeNothingGetsZerosNotNaN() {
        // left padding under a causal mask: queries 0 and 1 are padding and may only look at padding
        Tensor q = Tensor.randn(13, 1, 2, 4, 3).requiresGrad(true);
        Tensor k = Tensor.randn(14, 1, 2, 4, 3).requiresGrad(true);
        Tensor v = Tensor.randn(15, 1, 2, 4, 3).requiresGrad(true);
        Tensor keep = Tensor.matrix(new float[][] {{0, 0, 1, 1}});
        AttentionOutput out = attend(q, k, v, Options.defaults().withCausal(true).withPaddingMask(keep).withWeights(true));
        Tensor firstTwo = out.output().slice(2, 0, 2);
        assertThat(firstTwo.toArray()).containsOnly(0f);
        assertThat(out.weights().slice(2, 0, 2).toArray()).containsOnly(0f);
        // no NaN in the gradients either (Autograd.detectAnomalies() cannot check this: it also rejects the -∞ of the mask)
        attend(q, k, v, Options.defaults().withCausal(true).withPaddingMask(keep)).output().sum().backward();
        for (Tensor t : new Tensor[] {q, k, v}) {
            for (float g : t.grad().toArray()) {
                assertThat(Float.isFinite(g)).isTrue();
            }
        }
    }

    @Test
    void gradCheckWithEveryMaskAndATemperature() {
        Tensor q = Tensor.randn(16, 2, 2, 5, 3).requiresGrad(true);
        Tensor k = Tensor.randn(17, 2, 2, 5, 3).requiresGrad(true);
        Tensor v = Tensor.randn(18, 2, 2, 5, 2).requiresGrad(true);
        Tensor keep = Tensor.matrix(new float[][] {{1, 1, 1, 0, 0}, {0, 1, 1, 1, 1}});
        var options = Options.defaults().withCausal(true).withPaddingMask(keep).withTemperature(1.5f);
        GradCheck.check(in -> ScaledDotProductAttention.attend(in[0], in[1], in[2], options).output(), q, k, v).orThrow();
    }

    @Test
    void dropoutOnTheWeightsRepeatsWithTheSameSeed() {
        Tensor q = Tensor.randn(19, 1, 2, 6, 4), k = Tensor.randn(20, 1, 2, 6, 4), v = Tensor.randn(21, 1, 2, 6, 4);
        Tensor a = attend(q, k, v, Options.defaults().withDropout(0.5f, new SplittableRandom(1))).output();
        Tensor b = attend(q, k, v, Options.defaults().withDropout(0.5f, new SplittableRandom(1))).output();
        Tensor c = attend(q, k, v, Options.defaults().withDropout(0.5f, new SplittableRandom(2))).output();
        Tensor none = attend(q, k, v, Options.defaults()).output();
        assertThat(a.toArray()).containsExactly(b.toArray());
        assertThat(Arrays.equals(a.toArray(), c.toArray())).isFalse();
        assertThat(Arrays.equals(a.toArray(), none.toArray())).isFalse();
        // the fused kernel does no dropout, so the same call runs the composed ops
        Tensor fused = attend(q, k, v, Options.defaults().withDropout(0.5f, new SplittableRandom(1)).withKernel(Kernel.FUSED))
                .output();
        assertThat(fused.toArray()).containsExactly(a.toArray());
    }

    @Test
    void badInputIsExplained() {
        Tensor q = Tensor.randn(1, 2, 3, 5, 4), k = Tensor.randn(2, 2, 3, 5, 4), v = Tensor.randn(3, 2, 3, 5, 4);
        var none = Options.defaults();
        assertThatThrownBy(() -> attend(q, k.reshape(6, 5, 4), v, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number of axes")
                .hasMessageContaining("k (6, 5, 4)");
        assertThatThrownBy(() -> attend(q, Tensor.randn(2, 2, 2, 5, 4), v, none))
                .hasMessageContaining("leading (batch, head) axes");
        assertThatThrownBy(() -> attend(q, Tensor.randn(2, 2, 3, 5, 6), v, none))
                .hasMessageContaining("q and k must have the same size on the last axis").hasMessageContaining("4 and 6");
        assertThatThrownBy(() -> attend(q, k, Tensor.randn(3, 2, 3, 4, 4), none))
                .hasMessageContaining("5 keys and 4 values");
        assertThatThrownBy(() -> attend(Tensor.randn(1, 2, 3, 6, 4), k, v, none.withCausal(true)))
                .hasMessageContaining("at least as many keys as queries").hasMessageContaining("Tq=6, Tk=5");
        assertThatThrownBy(() -> attend(q, k, v, none.withPaddingMask(Tensor.ones(2, 4))))
                .hasMessageContaining("padding mask must have shape (B, Tk) = (2, 5)").hasMessageContaining("got (2, 4)");
        assertThatThrownBy(() -> attend(q, k, v, none.withPaddingMask(Tensor.ones(2, 3, 5))))
                .hasMessageContaining("padding mask must have shape (B, Tk)");
        assertThatThrownBy(() -> attend(Tensor.randn(1, 5, 4), Tensor.randn(2, 5, 4), Tensor.randn(3, 5, 4),
                none.withPaddingMask(Tensor.ones(1, 5))))
                .hasMessageContaining("needs a batch axis");
        assertThatThrownBy(() -> none.withTemperature(0f)).hasMessageContaining("temperature must be positive");
        assertThatThrownBy(() -> none.withDropout(0.1f, null)).hasMessageContaining("needs a random generator");
        assertThatThrownBy(() -> none.withDropout(1f, new SplittableRandom(1))).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> new AttentionOutput(q, null).weights()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withWeights(true)");
    }

    /** Without the Vector API module, the fused choice runs the scalar row operations and gives the same numbers. */
    @Test
    void withoutTheVectorModuleTheScalarKernelRuns() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        var process = new ProcessBuilder(java, "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), ScalarProbe.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).startsWith("Vector API off").endsWith(ScalarProbe.checksum());
    }

    /** Runs in a JVM started without jdk.incubator.vector. */
    public static final class ScalarProbe {
        public static void main(String[] args) {
            System.out.println(dev.minillm.common.Simd.describe() + " " + RowOps.best().getClass().getSimpleName()
                    + " " + checksum());
        }

        static String checksum() {
            Tensor q = Tensor.randn(1, 2, 2, 9, 5), k = Tensor.randn(2, 2, 2, 9, 5), v = Tensor.randn(3, 2, 2, 9, 5);
            try (var _ = Autograd.noGrad()) {
                float[] fused = ScaledDotProductAttention.attend(q, k, v,
                        Options.defaults().withCausal(true).withKernel(Kernel.FUSED)).output().toArray();
                float[] composed = ScaledDotProductAttention.attend(q, k, v, Options.defaults().withCausal(true)).output()
                        .toArray();
                double difference = 0;
                for (int i = 0; i < fused.length; i++) {
                    difference = Math.max(difference, Math.abs(fused[i] - composed[i]));
                }
                return difference < 1e-5 ? "fused = composed" : "fused differs by " + difference;
            }
        }
    }
}
