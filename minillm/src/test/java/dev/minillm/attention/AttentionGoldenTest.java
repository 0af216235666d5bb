package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

import static dev.minillm.attention.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attention against golden tensors computed by PyTorch ({@code src/test/python/attention_golden.py};
 * {@link AttentionGoldenFilesTest} checks they are up to date): outputs, weights and the gradients
 * of every input and parameter, with both kernels.
 *
 * <p>Tolerance: |java - torch| ≤ 1e-6 + 1e-5·|torch| per element.
 */
class AttentionGoldenTest {

    static final double RTOL = 1e-5, ATOL = 1e-6;

    static final Map<String, Tensor> GOLDEN = golden();

    static Map<String, Tensor> golden() {
        try {
            var url = AttentionGoldenTest.class.getResource("/golden/attention/attention.safetensors");
            assertThat(url).as("the committed golden file").isNotNull();
            return SafeTensors.read(Path.of(url.toURI())).tensors();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored tensor {@code case.key}. */
    static Tensor stored(String name, String key) {
        Tensor t = GOLDEN.get(name + "." + key);
        assertThat(t).as("golden file has " + name + "." + key).isNotNull();
        return t;
    }

    /** A fresh leaf copy of a stored input, needing a gradient. */
    static Tensor input(String name, String key) {
        Tensor t = stored(name, key);
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
    }

    @Test
    void theGoldenFileHoldsExactlyTheCasesTestedHere() {
        var cases = new TreeSet<String>();
        GOLDEN.keySet().forEach(key -> cases.add(key.substring(0, key.indexOf('.'))));
        assertThat(cases).containsExactly("causal", "cross", "padded", "temperature");
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void causalMultiHeadSelfAttentionMatchesPyTorch(Kernel kernel) {
        checkSelfAttention("causal", null, kernel);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void paddedCausalSelfAttentionMatchesPyTorch(Kernel kernel) {
        checkSelfAttention("padded", stored("padded", "mask"), kernel);
    }

    private void checkSelfAttention(String name, Tensor mask, Kernel kernel) {
        var config = new AttentionConfig(12, 3, 16, 0f, true, true, kernel);
        var layer = new MultiHeadAttention(config, 0);
        load(layer, name);
        Tensor x = input(name, "x");
        checkLayer(name, layer, in -> layer.forwardWithWeights(in, mask), x);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void crossAttentionWithAPaddedContextMatchesPyTorch(Kernel kernel) {
        var config = new AttentionConfig(12, 2, 16, 0f, true, false, kernel);
        var layer = new CrossAttention(config, 10, 0);
        load(layer, "cross");
        Tensor x = input("cross", "x"), context = input("cross", "context");
        Tensor mask = stored("cross", "mask");
        checkLayer("cross", layer, in -> layer.forwardWithWeights(in, context, mask), x);
        assertClose("cross gradient of context", context.grad(), stored("cross", "grad.context"), RTOL, ATOL);
    }

    /** Output and weights, without gradients (where the fused kernel runs) and with; then every gradient. */
    private void checkLayer(String name, Layer layer, Function<Tensor, AttentionOutput> forward, Tensor x) {
        try (var _ = Autograd.noGrad()) {
            AttentionOutput evaluation = forward.apply(x);
            assertClose(name + " output (no grad)", evaluation.output(), stored(name, "out"), RTOL, ATOL);
            assertClose(name + " weights (no grad)", evaluation.weights(), stored(name, "weights"), RTOL, ATOL);
        }
        AttentionOutput out = forward.apply(x);
        assertClose(name + " output", out.output(), stored(name, "out"), RTOL, ATOL);
        assertClose(name + " weights", out.weights(), stored(name, "weights"), RTOL, ATOL);
        out.output().backward(stored(name, "r"));
        assertClose(name + " gradient of x", x.grad(), stored(name, "grad.x"), RTOL, ATOL);
        layer.namedParameters().forEach((key, p) ->
                assertClose(name + " gradient of " + key, p.grad(), stored(name, "grad." + key), RTOL, ATOL));
    }

    private static void load(Layer layer, String name) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        layer.stateDict().keySet().forEach(key -> state.put(key, stored(name, key)));
        layer.loadStateDict(state);
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void scaledDotProductAttentionWithATemperatureMatchesPyTorch(Kernel kernel) {
        Tensor q = input("temperature", "q"), k = input("temperature", "k"), v = input("temperature", "v");
        var options = Options.defaults().withCausal(true).withTemperature(0.5f).withKernel(kernel).withWeights(true);
        try (var _ = Autograd.noGrad()) {
            AttentionOutput evaluation = ScaledDotProductAttention.attend(q, k, v, options);
            assertClose("temperature output (no grad)", evaluation.output(), stored("temperature", "out"), RTOL, ATOL);
            assertClose("temperature weights (no grad)", evaluation.weights(), stored("temperature", "weights"), RTOL, ATOL);
        }
        AttentionOutput out = ScaledDotProductAttention.attend(q, k, v, options);
        assertClose("temperature output", out.output(), stored("temperature", "out"), RTOL, ATOL);
        out.output().backward(stored("temperature", "r"));
        for (var entry : Map.of("q", q, "k", k, "v", v).entrySet()) {
            assertClose("temperature gradient of " + entry.getKey(), entry.getValue().grad(),
                    stored("temperature", "grad." + entry.getKey()), RTOL, ATOL);
        }
    }

    /** The fused kernel's own backward against PyTorch's gradients, on the temperature case. */
    @Test
    void theFusedBackwardMatchesPyTorch() {
        Tensor q = stored("temperature", "q"), k = stored("temperature", "k"), v = stored("temperature", "v");
        var shape = new FusedAttention.Shape(2, 5, 5, 3, 3, true, 1f / ((float) Math.sqrt(3) * 0.5f));
        for (RowOps ops : FusedAttentionTest.implementations()) {
            var forward = FusedAttention.forward(shape, q.toArray(), k.toArray(), v.toArray(), true, ops);
            assertClose("fused output", forward.output(), stored("temperature", "out").toArray(), RTOL, ATOL);
            var grads = FusedAttention.backward(shape, q.toArray(), k.toArray(), v.toArray(), forward.probabilities(),
                    stored("temperature", "r").toArray(), ops);
            assertClose("fused dq", grads.query(), stored("temperature", "grad.q").toArray(), RTOL, ATOL);
            assertClose("fused dk", grads.key(), stored("temperature", "grad.k").toArray(), RTOL, ATOL);
            assertClose("fused dv", grads.value(), stored("temperature", "grad.v").toArray(), RTOL, ATOL);
        }
    }
}
