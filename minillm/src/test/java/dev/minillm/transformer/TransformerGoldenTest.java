package dev.minillm.transformer;

import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Optimizer;
import dev.minillm.tensor.Optimizer.ParamGroup;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPTConfig.FeedForward;
import dev.minillm.transformer.GPTConfig.Norm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GPT against PyTorch ({@code src/test/python/transformer_golden.py}; {@link TransformerGoldenFilesTest}
 * checks the file is up to date): logits, loss, the gradient of every parameter, and the losses of
 * 5 AdamW steps, for a GPT-2 style and a Llama style tiny GPT (V = 50, 16 positions, 2 layers, 2 heads, C = 32).
 *
 * <p>Tolerance: |java - torch| ≤ atol + rtol·|torch| per element; float32 sums in another order
 * differ in the 6th-7th digit, and a 2-layer network adds a little to that.
 */
class TransformerGoldenTest {

    static final Map<String, Tensor> GOLDEN = golden();

    static Map<String, Tensor> golden() {
        try {
            var url = TransformerGoldenTest.class.getResource("/golden/transformer/gpt.safetensors");
            assertThat(url).as("the committed golden file").isNotNull();
            return SafeTensors.read(Path.of(url.toURI())).tensors();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Tensor stored(String key) {
        Tensor t = GOLDEN.get(key);
        assertThat(t).as("golden file has " + key).isNotNull();
        return t;
    }

    static GPTConfig config(String name) {
        var gpt2 = new GPTConfig(50, 16, 2, 2, 32, 0f, true, Norm.LAYER_NORM, FeedForward.GELU);
        return name.equals("gpt") ? gpt2 : gpt2.llamaStyle();
    }

    static GPT model(String name) {
        var model = new GPT(config(name), 0);
        Map<String, Tensor> state = new LinkedHashMap<>();
        model.stateDict().keySet().forEach(key -> state.put(key, stored(name + ".initial." + key)));
        model.loadStateDict(state);
        return model;
    }

    static int[][] ids(Tensor t) {
        int[][] ids = new int[t.shape(0)][t.shape(1)];
        for (int b = 0; b < ids.length; b++) {
            for (int i = 0; i < ids[b].length; i++) {
                ids[b][i] = Math.round(t.get(b, i));
            }
        }
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama"})
    void logitsLossAndEveryGradientMatchPyTorch(String name) {
        var model = model(name);
        int[][] x = ids(stored(name + ".inputs")), y = ids(stored(name + ".targets"));
        try (var _ = Autograd.noGrad()) {
            assertClose(name + " logits (no grad)", model.forward(x), stored(name + ".logits"), 1e-4, 1e-5);
        }
        assertClose(name + " logits", model.forward(x), stored(name + ".logits"), 1e-4, 1e-5);
        Tensor loss = model.loss(x, y);
        assertClose(name + " loss", loss, stored(name + ".loss"), 1e-5, 1e-6);
        loss.backward();
        assertThat(model.namedParameters()).hasSize((int) GOLDEN.keySet().stream()
                .filter(k -> k.startsWith(name + ".grad.")).count());
        model.namedParameters().forEach((key, p) ->
                assertClose(name + " gradient of " + key, p.grad(), stored(name + ".grad." + key), 1e-3, 1e-6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt", "llama"})
    void fiveAdamWStepsGiveTheLossesOfPyTorch(String name) {
        var model = model(name);
        int[][] x = ids(stored(name + ".inputs")), y = ids(stored(name + ".targets"));
        var optimizer = new Optimizer.AdamW(ParamGroup.decayMatricesOnly(model.parameters(), 0.1f), 1e-2f, 0.9f, 0.95f,
                1e-8f);
        float[] losses = new float[5];
        for (int step = 0; step < losses.length; step++) {
            optimizer.zeroGrad();
            Tensor loss = model.loss(x, y);
            loss.backward();
            losses[step] = loss.item();
            Optimizer.clipGradNorm(model.parameters(), 1f);
            optimizer.step();
        }
        assertClose(name + " losses of 5 AdamW steps", Tensor.vector(losses), stored(name + ".losses"), 1e-4, 1e-5);
        assertThat(losses[4]).as("the loss falls").isLessThan(losses[0]);
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
        float[] a = actual.toArray(), e = expected.toArray();
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < a.length; i++) {
            double ratio = Math.abs(a[i] - e[i]) / (atol + rtol * Math.abs(e[i]));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: element %d is %.9g, expected %.9g (|diff| %.3g > %.1g + %.1g·|expected|)",
                    what, worst, a[worst], e[worst], Math.abs(a[worst] - e[worst]), atol, rtol));
        }
    }
}
