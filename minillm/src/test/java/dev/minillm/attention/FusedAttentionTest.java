package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.common.Simd;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.minillm.attention.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/** The fused kernel against the composed ops, against finite differences, and with and without SIMD. */
class FusedAttentionTest {

    static final double RTOL = 1e-5, ATOL = 1e-5;

    /** One problem: (B, nh) leading axes, Tq queries, Tk keys, head and value sizes, mask and temperature. */
    record Case(int batch, int heads, int tq, int tk, int dk, int dv, boolean causal, float temperature) {
        @Override
        public String toString() {
            return "B=" + batch + " nh=" + heads + " Tq=" + tq + " Tk=" + tk + " dk=" + dk + " dv=" + dv
                    + (causal ? " causal" : "") + " τ=" + temperature;
        }

        FusedAttention.Shape shape() {
            float scale = 1f / ((float) Math.sqrt(dk) * temperature);
            return new FusedAttention.Shape(batch * heads, tq, tk, dk, dv, causal, scale);
        }
    }

    /** Fixed corner cases (T = 1, odd sizes, tails of every length) and random shapes. */
    static List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case(1, 1, 1, 1, 1, 1, true, 1f),
                new Case(1, 1, 1, 1, 4, 4, false, 1f),
                new Case(2, 3, 7, 7, 5, 5, true, 1f),
                new Case(1, 2, 17, 17, 16, 16, true, 1f),
                new Case(2, 1, 33, 33, 64, 64, true, 0.7f),
                new Case(1, 2, 13, 13, 33, 33, false, 2f),
                new Case(2, 2, 3, 11, 8, 8, true, 1f),        // fewer queries than keys: a KV cache
                new Case(1, 3, 6, 9, 7, 12, false, 1f),        // cross-attention: Tq ≠ Tk, d_v ≠ d_k
                new Case(3, 4, 40, 40, 17, 17, true, 1.3f)));
        var random = new SplittableRandom(6);
        for (int i = 0; i < 8; i++) {
            boolean causal = random.nextBoolean();
            int tk = 1 + random.nextInt(48), tq = causal ? 1 + random.nextInt(tk) : 1 + random.nextInt(48);
            int dk = 1 + random.nextInt(70);
            cases.add(new Case(1 + random.nextInt(3), 1 + random.nextInt(4), tq, tk, dk,
                    causal ? dk : 1 + random.nextInt(70), causal, 0.5f + random.nextFloat()));
        }
        return cases;
    }

    static List<RowOps> implementations() {
        return Simd.AVAILABLE ? List.of(RowOps.scalar(), RowOps.best()) : List.of(RowOps.scalar());
    }

    @Test
    void forwardOutputsAndAllGradientsMatchTheComposedOps() {
        long seed = 0;
        for (Case c : cases()) {
            seed++;
            Tensor q = Tensor.randn(seed * 10 + 1, c.batch, c.heads, c.tq, c.dk).requiresGrad(true);
            Tensor k = Tensor.randn(seed * 10 + 2, c.batch, c.heads, c.tk, c.dk).requiresGrad(true);
            Tensor v = Tensor.randn(seed * 10 + 3, c.batch, c.heads, c.tk, c.dv).requiresGrad(true);
            Tensor g = Tensor.randn(seed * 10 + 4, c.batch, c.heads, c.tq, c.dv);
            var options = Options.defaults().withCausal(c.causal).withTemperature(c.temperature).withWeights(true);
            AttentionOutput reference = ScaledDotProductAttention.composed(q, k, v, options);
            reference.output().backward(g);

            for (RowOps ops : implementations()) {
                String what = c + " " + ops.getClass().getSimpleName();
                var shape = c.shape();
                var forward = FusedAttention.forward(shape, q.toArray(), k.toArray(), v.toArray(), true, ops);
                assertClose(what + " output", forward.output(), reference.output().toArray(), RTOL, ATOL);
                assertClose(what + " weights", shape.unpack(forward.probabilities()), reference.weights().toArray(), RTOL, ATOL);
                var grads = FusedAttention.backward(shape, q.toArray(), k.toArray(), v.toArray(), forward.probabilities(),
                        g.toArray(), ops);
                assertClose(what + " dq", grads.query(), q.grad().toArray(), RTOL, ATOL);
                assertClose(what + " dk", grads.key(), k.grad().toArray(), RTOL, ATOL);
                assertClose(what + " dv", grads.value(), v.grad().toArray(), RTOL, ATOL);
            }
        }
    }

    @Test
    void theFusedKernelIsBehindTheSameMethodAsTheComposedOps() {
        Tensor q = Tensor.randn(1, 2, 3, 9, 8), k = Tensor.randn(2, 2, 3, 9, 8), v = Tensor.randn(3, 2, 3, 9, 8);
        var options = Options.defaults().withCausal(true).withWeights(true);
        AttentionOutput composed = ScaledDotProductAttention.attend(q, k, v, options.withKernel(Kernel.COMPOSED));
        AttentionOutput fused = ScaledDotProductAttention.attend(q, k, v, options.withKernel(Kernel.FUSED));
        assertThat(fused.output().op()).as("no op recorded: the fused kernel ran").isNull();
        assertThat(composed.output().op()).isNull(); // no input needs a gradient: nothing to record either
        assertClose("output", fused.output(), composed.output(), RTOL, ATOL);
        assertClose("weights", fused.weights(), composed.weights(), RTOL, ATOL);
    }

    @Test
    void trainingThroughTheFusedKernelGivesTheComposedGradients() {
        Tensor g = Tensor.randn(4, 2, 3, 7, 5);
        float[][] fusedGradients = gradients(Kernel.FUSED, g);
        float[][] composedGradients = gradients(Kernel.COMPOSED, g);
        for (int i = 0; i < 3; i++) {
            assertClose("gradient " + "qkv".charAt(i), Tensor.of(fusedGradients[i], 2, 3, 7, 5),
                    Tensor.of(composedGradients[i], 2, 3, 7, 5), RTOL, ATOL);
        }
    }

    /** dL/dq, dL/dk, dL/dv of L = Σ attention(q, k, v) ⊙ g, through one kernel. */
    private static float[][] gradients(Kernel kernel, Tensor g) {
        Tensor q = Tensor.randn(1, 2, 3, 7, 5).requiresGrad(true);
        Tensor k = Tensor.randn(2, 2, 3, 7, 5).requiresGrad(true);
        Tensor v = Tensor.randn(3, 2, 3, 7, 5).requiresGrad(true);
        Tensor out = ScaledDotProductAttention.attend(q, k, v, Options.defaults().withCausal(true).withKernel(kernel)).output();
        assertThat(out.op()).isEqualTo(kernel == Kernel.FUSED ? "fused attention" : "matmul");
        out.mul(g).sum().backward();
        return new float[][] {q.grad().toArray(), k.grad().toArray(), v.grad().toArray()};
    }

    /**
     * GradCheck through the public method: the analytic gradient comes from the fused kernel's own
     * backward pass, the finite differences from its forward pass.
     */
    @Test
    void gradCheckOfTheFusedChoice() {
        Tensor q = Tensor.randn(11, 2, 2, 5, 3).requiresGrad(true);
        Tensor k = Tensor.randn(12, 2, 2, 5, 3).requiresGrad(true);
        Tensor v = Tensor.randn(13, 2, 2, 5, 3).requiresGrad(true);
        var options = Options.defaults().withCausal(true).withTemperature(0.8f).withKernel(Kernel.FUSED);
        GradCheck.check(in -> ScaledDotProductAttention.attend(in[0], in[1], in[2], options).output(), q, k, v).orThrow();
    }

    /** The fused backward against central differences of the fused forward, with GradCheck's float32 tolerance. */
    @Test
    void fusedBackwardMatchesFiniteDifferences() {
        for (RowOps ops : implementations()) {
            for (Case c : List.of(new Case(1, 2, 5, 5, 3, 3, true, 1f), new Case(1, 1, 3, 6, 5, 2, false, 0.9f),
                    new Case(1, 1, 4, 7, 17, 17, true, 1f))) {
                var shape = c.shape();
                float[][] inputs = {
                        Tensor.randn(21, c.batch * c.heads * c.tq * c.dk).toArray(),
                        Tensor.randn(22, c.batch * c.heads * c.tk * c.dk).toArray(),
                        Tensor.randn(23, c.batch * c.heads * c.tk * c.dv).toArray()};
                float[] r = Tensor.randn(24, c.batch * c.heads * c.tq * c.dv).toArray();
                var forward = FusedAttention.forward(shape, inputs[0], inputs[1], inputs[2], true, ops);
                var grads = FusedAttention.backward(shape, inputs[0], inputs[1], inputs[2], forward.probabilities(), r, ops);
                float[][] analytic = {grads.query(), grads.key(), grads.value()};
                var tolerance = GradCheck.Tolerance.FLOAT32;
                for (int which = 0; which < 3; which++) {
                    float[] x = inputs[which];
                    for (int j = 0; j < x.length; j++) {
                        float original = x[j], up = original + tolerance.eps(), down = original - tolerance.eps();
                        x[j] = up;
                        double above = project(FusedAttention.forward(shape, inputs[0], inputs[1], inputs[2], false, ops), r);
                        x[j] = down;
                        double below = project(FusedAttention.forward(shape, inputs[0], inputs[1], inputs[2], false, ops), r);
                        x[j] = original;
                        double numeric = (above - below) / ((double) up - down);
                        double error = Math.abs(analytic[which][j] - numeric);
                        double scale = Math.max(Math.abs(analytic[which][j]), Math.abs(numeric));
                        assertThat(error).as("%s %s input %d element %d: analytic %f numeric %f", c,
                                ops.getClass().getSimpleName(), which, j, analytic[which][j], numeric)
                                .isLessThanOrEqualTo(tolerance.atol() + tolerance.rtol() * scale);
                    }
                }
            }
        }
    }

    private static double project(FusedAttention.Forward forward, float[] r) {
        double sum = 0;
        for (int i = 0; i < r.length; i++) {
            sum += (double) forward.output()[i] * r[i];
        }
        return sum;
    }

    /** Many slices run in parallel; each must give the same bits as when it is computed alone. */
    @Test
    void parallelOverBatchAndHeadsIsDeterministic() {
        var c = new Case(4, 4, 64, 64, 32, 32, true, 1f);
        var shape = c.shape();
        assertThat((long) shape.slices() * shape.work()).as("enough work to run in parallel").isGreaterThan(1 << 16);
        float[] q = Tensor.randn(31, 16 * 64 * 32).toArray(), k = Tensor.randn(32, 16 * 64 * 32).toArray();
        float[] v = Tensor.randn(33, 16 * 64 * 32).toArray(), g = Tensor.randn(34, 16 * 64 * 32).toArray();
        var ops = RowOps.best();
        var all = FusedAttention.forward(shape, q, k, v, true, ops);
        var grads = FusedAttention.backward(shape, q, k, v, all.probabilities(), g, ops);
        var again = FusedAttention.forward(shape, q, k, v, true, ops);
        assertThat(again.output()).containsExactly(all.output());
        assertThat(FusedAttention.backward(shape, q, k, v, again.probabilities(), g, ops).key()).containsExactly(grads.key());

        var one = new FusedAttention.Shape(1, 64, 64, 32, 32, true, shape.scale());
        int size = 64 * 32;
        for (int s = 0; s < 16; s++) {
            float[] qs = slice(q, s, size), ks = slice(k, s, size), vs = slice(v, s, size), gs = slice(g, s, size);
            var alone = FusedAttention.forward(one, qs, ks, vs, true, ops);
            assertThat(alone.output()).as("slice %d", s).containsExactly(slice(all.output(), s, size));
            var aloneGrads = FusedAttention.backward(one, qs, ks, vs, alone.probabilities(), gs, ops);
            assertThat(aloneGrads.query()).containsExactly(slice(grads.query(), s, size));
            assertThat(aloneGrads.key()).containsExactly(slice(grads.key(), s, size));
            assertThat(aloneGrads.value()).containsExactly(slice(grads.value(), s, size));
        }
    }

    private static float[] slice(float[] a, int s, int size) {
        return java.util.Arrays.copyOfRange(a, s * size, (s + 1) * size);
    }

    @Test
    void aCausalHeadKeepsOnlyTheVisibleTriangle() {
        var causal = new FusedAttention.Shape(1, 6, 6, 4, 4, true, 0.5f);
        assertThat(causal.weightsPerSlice()).isEqualTo(6 * 7 / 2);
        var cached = new FusedAttention.Shape(1, 2, 6, 4, 4, true, 0.5f); // the last 2 of 6 positions
        assertThat(cached.visible(0)).isEqualTo(5);
        assertThat(cached.visible(1)).isEqualTo(6);
        assertThat(cached.weightsPerSlice()).isEqualTo(11);
        assertThat(new FusedAttention.Shape(1, 3, 5, 4, 4, false, 0.5f).weightsPerSlice()).isEqualTo(15);
    }
}
