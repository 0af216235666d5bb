package dev.minillm.tensor;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every differentiable op against finite differences ({@link GradCheck} with its float32
 * tolerance: ε = 3e-3, an element passes when |analytic - numeric| ≤ 1e-3 + 1e-2·max(|a|, |n|)).
 * Inputs stay away from kinks (relu, abs at 0; ties in max) so the finite difference is valid.
 */
class GradCheckTest {

    private record Case(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {}

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad(true);
    }

    private static Tensor positive(long seed, int... shape) {
        return Tensor.uniform(new SplittableRandom(seed), 0.5f, 2f, shape).requiresGrad(true);
    }

    /** Distinct values at least 0.1 apart and at least 0.05 from 0, in a seeded random order. */
    private static Tensor spread(long seed, int... shape) {
        int n = Shapes.size(shape);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i - n / 2) * 0.1f + 0.05f;
        }
        var random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates shuffle
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return Tensor.of(values, shape).requiresGrad(true);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // elementwise with two inputs, same shape and broadcast
        cases.add(new Case("add", in -> in[0].add(in[1]), randn(1, 3, 4), randn(2, 3, 4)));
        cases.add(new Case("add broadcast", in -> in[0].add(in[1]), randn(1, 2, 3, 4), randn(2, 3, 1)));
        cases.add(new Case("sub broadcast", in -> in[0].sub(in[1]), randn(3, 4), randn(4, 2, 3, 4)));
        cases.add(new Case("mul", in -> in[0].mul(in[1]), randn(5, 3, 4), randn(6, 3, 4)));
        cases.add(new Case("mul broadcast both", in -> in[0].mul(in[1]), randn(7, 3, 1), randn(8, 1, 4)));
        cases.add(new Case("div", in -> in[0].div(in[1]), randn(9, 3, 4), positive(10, 3, 4)));
        cases.add(new Case("div broadcast", in -> in[0].div(in[1]), randn(11, 2, 3), positive(12, 3)));
        cases.add(new Case("same tensor twice", in -> in[0].mul(in[0]).add(in[0]), randn(13, 5)));
        // elementwise with one input
        cases.add(new Case("add scalar", in -> in[0].add(2.5f), randn(14, 4)));
        cases.add(new Case("sub scalar", in -> in[0].sub(2.5f), randn(15, 4)));
        cases.add(new Case("mul scalar", in -> in[0].mul(-3f), randn(16, 4)));
        cases.add(new Case("div scalar", in -> in[0].div(4f), randn(17, 4)));
        cases.add(new Case("neg", in -> in[0].neg(), randn(18, 2, 3)));
        cases.add(new Case("pow 2", in -> in[0].pow(2), randn(19, 2, 3)));
        cases.add(new Case("pow 3", in -> in[0].pow(3), randn(20, 2, 3)));
        cases.add(new Case("pow 0.5", in -> in[0].pow(0.5f), positive(21, 2, 3)));
        cases.add(new Case("pow -1", in -> in[0].pow(-1), positive(22, 2, 3)));
        cases.add(new Case("exp", in -> in[0].exp(), randn(23, 2, 3)));
        cases.add(new Case("log", in -> in[0].log(), positive(24, 2, 3)));
        cases.add(new Case("sqrt", in -> in[0].sqrt(), positive(25, 2, 3)));
        cases.add(new Case("abs", in -> in[0].abs(), spread(26, 2, 3)));
        // activations
        cases.add(new Case("tanh", in -> in[0].tanh(), randn(27, 3, 4)));
        cases.add(new Case("sigmoid", in -> in[0].sigmoid(), randn(28, 3, 4)));
        cases.add(new Case("relu", in -> in[0].relu(), spread(29, 3, 4)));
        cases.add(new Case("gelu", in -> in[0].gelu(), randn(30, 3, 4)));
        cases.add(new Case("silu", in -> in[0].silu(), randn(31, 3, 4)));
        // reductions
        cases.add(new Case("sum", in -> in[0].sum(), randn(32, 2, 3, 4)));
        cases.add(new Case("sum axis 1", in -> in[0].sum(1), randn(33, 2, 3, 4)));
        cases.add(new Case("sum last keepDim", in -> in[0].sum(-1, true), randn(34, 2, 3, 4)));
        cases.add(new Case("sum axes 0 2", in -> in[0].sum(new int[] {0, 2}, false), randn(35, 2, 3, 4)));
        cases.add(new Case("mean", in -> in[0].mean(), randn(36, 2, 3, 4)));
        cases.add(new Case("mean axis 0", in -> in[0].mean(0), randn(37, 2, 3, 4)));
        cases.add(new Case("mean axes keepDim", in -> in[0].mean(new int[] {1, 2}, true), randn(38, 2, 3, 4)));
        cases.add(new Case("max", in -> in[0].max(), spread(39, 3, 4)));
        cases.add(new Case("max axis 1", in -> in[0].max(1, false), spread(40, 2, 3, 4)));
        cases.add(new Case("max axis 0 keepDim", in -> in[0].max(0, true), spread(41, 3, 4)));
        cases.add(new Case("var", in -> in[0].var(-1, false), randn(42, 3, 5)));
        cases.add(new Case("var axis 0 population", in -> in[0].var(0, true, 0), randn(43, 4, 3)));
        // matrix multiplication in every layout
        cases.add(new Case("matmul", in -> in[0].matmul(in[1]), randn(44, 3, 4), randn(45, 4, 5)));
        cases.add(new Case("matmul batched", in -> in[0].matmul(in[1]), randn(46, 2, 3, 4), randn(47, 2, 4, 2)));
        cases.add(new Case("matmul 3-D by 2-D", in -> in[0].matmul(in[1]), randn(48, 2, 3, 4), randn(49, 4, 2)));
        cases.add(new Case("matmul broadcast batch", in -> in[0].matmul(in[1]), randn(50, 2, 1, 3, 4), randn(51, 3, 4, 2)));
        cases.add(new Case("matmul x·Wᵀ", in -> in[0].matmul(in[1].transpose()), randn(52, 3, 4), randn(53, 5, 4)));
        cases.add(new Case("matmul Aᵀ·B", in -> in[0].transpose().matmul(in[1]), randn(54, 4, 3), randn(55, 4, 2)));
        cases.add(new Case("matmul Aᵀ·Bᵀ", in -> in[0].transpose().matmul(in[1].transpose()), randn(56, 4, 3), randn(57, 2, 4)));
        cases.add(new Case("matmul q·kᵀ batched", in -> in[0].matmul(in[1].transpose(-2, -1)), randn(58, 2, 3, 4), randn(59, 2, 5, 4)));
        // shapes and views
        cases.add(new Case("reshape", in -> in[0].reshape(4, -1).mul(in[0].reshape(4, 6)), randn(60, 2, 3, 4)));
        cases.add(new Case("transpose then reshape", in -> in[0].transpose(0, 2).reshape(6, 4), randn(61, 2, 3, 4)));
        cases.add(new Case("permute", in -> in[0].permute(2, 0, 1).mul(in[1]), randn(62, 2, 3, 4), randn(63, 4, 2, 3)));
        cases.add(new Case("slice", in -> in[0].slice(1, 1, 3).exp(), randn(64, 3, 4)));
        cases.add(new Case("select", in -> in[0].select(0, -1).tanh(), randn(65, 3, 4)));
        cases.add(new Case("unsqueeze squeeze", in -> in[0].unsqueeze(0).mul(in[1]).squeeze(1), randn(66, 3), randn(67, 2, 1, 3)));
        cases.add(new Case("expand", in -> in[0].expand(2, 3, 4).mul(in[1]), randn(68, 3, 1), randn(69, 2, 3, 4)));
        cases.add(new Case("contiguous", in -> in[0].transpose().contiguous().mul(in[1]), randn(70, 3, 4), randn(71, 4, 3)));
        cases.add(new Case("concat", in -> Tensor.concat(0, in[0], in[1], in[0]).tanh(), randn(72, 1, 3), randn(73, 2, 3)));
        cases.add(new Case("split", in -> { var p = in[0].split(1, 1, 3); return p.get(1).sum(1).mul(p.get(0).squeeze(1)); }, randn(74, 2, 4)));
        cases.add(new Case("chunk", in -> { var p = in[0].chunk(2, -1); return p.get(0).mul(p.get(1)); }, randn(75, 3, 4)));
        cases.add(new Case("indexSelect rows", in -> in[0].indexSelect(0, 2, 0, 2, 3), randn(76, 4, 3)));
        cases.add(new Case("indexSelect columns", in -> in[0].indexSelect(1, 1, 1, 0), randn(77, 2, 3)));
        // neural-network ops
        cases.add(new Case("softmax", in -> in[0].softmax(), randn(78, 3, 5)));
        cases.add(new Case("softmax axis 0", in -> in[0].softmax(0), randn(79, 3, 5)));
        cases.add(new Case("logSoftmax", in -> in[0].logSoftmax(), randn(80, 3, 5)));
        cases.add(new Case("logSoftmax axis 1 of 3-D", in -> in[0].logSoftmax(1), randn(81, 2, 3, 4)));
        cases.add(new Case("crossEntropy", in -> in[0].crossEntropy(4, 0, 2), randn(82, 3, 5)));
        cases.add(new Case("crossEntropy ignore index", in -> in[0].crossEntropy(new int[] {1, -100, 0, 4}, -100), randn(83, 2, 2, 5)));
        cases.add(new Case("layerNorm", in -> in[0].layerNorm(in[1], in[2], 1e-5f), randn(84, 3, 6), randn(85, 6), randn(86, 6)));
        cases.add(new Case("layerNorm without affine", in -> in[0].layerNorm(null, null, 1e-5f), randn(87, 2, 3, 6)));
        cases.add(new Case("rmsNorm", in -> in[0].rmsNorm(in[1], 1e-6f), randn(88, 3, 6), randn(89, 6)));
        cases.add(new Case("rmsNorm without weight", in -> in[0].rmsNorm(null, 1e-6f), randn(90, 3, 6)));
        cases.add(new Case("dropout", in -> in[0].dropout(0.3f, new SplittableRandom(7)), randn(91, 4, 5)));
        cases.add(new Case("maskedFill", in -> in[0].maskedFill(Tensor.tril(4), -1f), randn(92, 2, 4, 4)));
        // compositions
        cases.add(new Case("attention", GradCheckTest::attention, randn(93, 2, 4, 3), randn(94, 2, 4, 3), randn(95, 2, 4, 3)));
        cases.add(new Case("mlp", in -> in[0].matmul(in[1].transpose()).add(in[2]).gelu().layerNorm(null, null, 1e-5f)
                .crossEntropy(0, 3, 1), randn(96, 3, 4), randn(97, 5, 4), randn(98, 5)));
        return cases;
    }

    /** Causal self-attention: softmax(q·kᵀ/√d with future positions hidden)·v. q, k, v: (B, T, d). */
    private static Tensor attention(Tensor[] in) {
        Tensor q = in[0], k = in[1], v = in[2];
        int t = q.shape(1);
        Tensor future = Tensor.ones(t, t).sub(Tensor.tril(t));
        Tensor scores = q.matmul(k.transpose()).div((float) Math.sqrt(q.shape(-1))); // (B, T, T)
        return scores.maskedFill(future, Float.NEGATIVE_INFINITY).softmax().matmul(v); // (B, T, d)
    }

    @TestFactory
    Stream<DynamicTest> everyOpPassesTheGradientCheck() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradCheck.Result result = GradCheck.check(c.f(), c.inputs());
            assertThat(result.passed()).as(c.name() + ": " + result).isTrue();
        }));
    }

    @Test
    void aWrongGradientFails() {
        // relu's derivative is 0 or 1; pretending the whole input passes through must be caught
        Function<Tensor[], Tensor> broken = in -> {
            Tensor x = in[0];
            Tensor y = x.relu();
            return y.add(x.sub(x.detach()).mul(y.detach().sub(x.detach()))); // adds the wrong slope where x < 0
        };
        GradCheck.Result result = GradCheck.check(broken, spread(1, 3, 4));
        assertThat(result.passed()).isFalse();
        assertThat(result.toString()).contains("FAILED", "worst: input 0 element");
        assertThatThrownBy(result::orThrow).isInstanceOf(AssertionError.class);
    }

    @Test
    void constantsAreNotCheckedAndGradientsAreLeftInTheInputs() {
        Tensor x = randn(1, 3), c = Tensor.randn(2, 3);
        GradCheck.Result result = GradCheck.check(in -> in[0].mul(in[1]), x, c).orThrow();
        assertThat(result.checked()).isEqualTo(3);
        assertThat(x.grad().allClose(Tensor.zeros(3), 0, 0)).isFalse();
        assertThat(c.hasGrad()).isFalse();
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].exp(), Tensor.ones(2)))
                .hasMessageContaining("no input has requiresGrad(true)");
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].exp(), x.transpose(0, 0)))
                .hasMessageContaining("dense leaf");
    }
}
