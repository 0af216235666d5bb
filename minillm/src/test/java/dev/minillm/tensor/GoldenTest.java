package dev.minillm.tensor;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.minillm.tensor.TensorAssert.assertClose;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops, an MLP training step and the optimizers against golden tensors computed by PyTorch
 * ({@code src/test/python/golden.py}; {@link GoldenFilesTest} checks they are up to date).
 *
 * <p>Tolerance: |java - torch| ≤ 1e-6 + 1e-5·|torch| per element, for outputs and gradients alike,
 * and for the MLP's parameters after three AdamW steps.
 */
class GoldenTest {

    static final double RTOL = 1e-5, ATOL = 1e-6;

    /** The causal masks in golden.py keep where mask = 1; maskedFill fills where the mask is non-zero. */
    private static Tensor hidden(Tensor keep) {
        return Tensor.ones(keep.shape()).sub(keep);
    }

    /** The Java side of every case in golden.py's ops(), by name. */
    static final Map<String, Function<Case, Tensor>> OPS = Map.ofEntries(
            entry("add_broadcast", c -> c.input("x").add(c.input("y"))),
            entry("sub_broadcast", c -> c.input("x").sub(c.input("y"))),
            entry("mul_broadcast", c -> c.input("x").mul(c.input("y"))),
            entry("div", c -> c.input("x").div(c.input("y"))),
            entry("div_scalar_broadcast", c -> c.input("x").div(c.input("y"))),
            entry("neg", c -> c.input("x").neg()),
            entry("pow_cube", c -> c.input("x").pow(3)),
            entry("pow_sqrt", c -> c.input("x").pow(0.5f)),
            entry("exp", c -> c.input("x").exp()),
            entry("log", c -> c.input("x").log()),
            entry("sqrt", c -> c.input("x").sqrt()),
            entry("tanh", c -> c.input("x").tanh()),
            entry("sigmoid", c -> c.input("x").sigmoid()),
            entry("relu", c -> c.input("x").relu()),
            entry("gelu_tanh", c -> c.input("x").gelu()),
            entry("silu", c -> c.input("x").silu()),
            entry("sum_all", c -> c.input("x").sum()),
            entry("sum_axis1", c -> c.input("x").sum(1)),
            entry("mean_all", c -> c.input("x").mean()),
            entry("mean_last_keepdim", c -> c.input("x").mean(-1, true)),
            entry("max_axis1", c -> c.input("x").max(1, false)),
            entry("var_last", c -> c.input("x").var(-1, false)),
            entry("var_axis0_population", c -> c.input("x").var(0, false, 0)),
            entry("matmul", c -> c.input("x").matmul(c.input("y"))),
            entry("matmul_batched", c -> c.input("x").matmul(c.input("y"))),
            entry("matmul_broadcast", c -> c.input("x").matmul(c.input("y"))),
            entry("matmul_transposed", c -> c.input("x").matmul(c.input("y").transpose())),
            entry("matmul_3d_by_2d", c -> c.input("x").matmul(c.input("y"))),
            entry("transpose_reshape", c -> c.input("x").transpose(0, 2).reshape(4, 6)),
            entry("permute", c -> c.input("x").permute(2, 0, 1).mul(2)),
            entry("slice", c -> c.input("x").slice(1, 1, 4)),
            entry("concat", c -> Tensor.concat(1, c.input("x"), c.input("y"))),
            entry("split", c -> {
                List<Tensor> pieces = c.input("x").split(1, 2, 4);
                return Tensor.concat(1, pieces.get(1), pieces.get(0));
            }),
            entry("index_select", c -> c.input("x").indexSelect(0, c.ints("ids"))),
            entry("softmax", c -> c.input("x").softmax()),
            entry("softmax_axis0", c -> c.input("x").softmax(0)),
            entry("log_softmax", c -> c.input("x").logSoftmax()),
            entry("cross_entropy", c -> c.input("x").crossEntropy(c.ints("targets"), -100)),
            entry("cross_entropy_large_logits", c -> c.input("x").crossEntropy(c.ints("targets"))),
            entry("layer_norm", c -> c.input("x").layerNorm(c.input("w"), c.input("b"), 1e-5f)),
            entry("rms_norm", c -> c.input("x").rmsNorm(c.input("w"), 1e-6f)),
            entry("masked_fill", c -> c.input("x").maskedFill(hidden(c.constant("mask")), 0.5f)),
            entry("causal_softmax", c -> c.input("x")
                    .maskedFill(hidden(c.constant("mask")), Float.NEGATIVE_INFINITY).softmax()));

    /** One case of ops.safetensors: its stored tensors, and the inputs the Java code asked for. */
    static final class Case {
        final String name;
        final Map<String, Tensor> stored;
        final Map<String, Tensor> inputs = new LinkedHashMap<>();

        Case(String name, Map<String, Tensor> stored) {
            this.name = name;
            this.stored = stored;
        }

        Tensor stored(String key) {
            Tensor t = stored.get(name + "." + key);
            assertThat(t).as("golden file has " + name + "." + key).isNotNull();
            return t;
        }

        /** A fresh leaf that needs a gradient, compared with PyTorch's after backward. */
        Tensor input(String key) {
            return inputs.computeIfAbsent(key, k -> Tensor.of(stored(k).toArray(), stored(k).shape()).requiresGrad(true));
        }

        Tensor constant(String key) {
            return stored(key);
        }

        int[] ints(String key) {
            float[] values = stored(key).toArray();
            int[] ints = new int[values.length];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = Math.round(values[i]);
            }
            return ints;
        }
    }

    static Map<String, Tensor> golden(String file) {
        try {
            return SafeTensors.read(Path.of(GoldenTest.class.getResource("/golden/" + file).toURI())).tensors();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOpMatchesPyTorch() {
        Map<String, Tensor> stored = golden("ops.safetensors");
        Set<String> names = new LinkedHashSet<>();
        stored.keySet().forEach(key -> names.add(key.substring(0, key.indexOf('.'))));
        assertThat(OPS.keySet()).as("a Java version of every case in golden.py, and no other")
                .containsExactlyInAnyOrderElementsOf(names);
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            var c = new Case(name, stored);
            Tensor out = OPS.get(name).apply(c);
            assertClose(name + " output", out, c.stored("out"), RTOL, ATOL);
            out.backward(c.stored("r"));
            Set<String> expectedGradients = new LinkedHashSet<>();
            stored.keySet().stream().filter(k -> k.startsWith(name + ".grad."))
                    .forEach(k -> expectedGradients.add(k.substring((name + ".grad.").length())));
            assertThat(c.inputs.keySet()).as(name + ": inputs with gradients").containsExactlyElementsOf(expectedGradients);
            c.inputs.forEach((key, input) ->
                    assertClose(name + " gradient of " + key, input.grad(), c.stored("grad." + key), RTOL, ATOL));
        }));
    }

    /** The model of golden.py's mlp(): Linear(6, 16), GELU (tanh), LayerNorm(16), Linear(16, 5). */
    static final class MLP extends Layer {
        final Linear fc1, fc2;
        final LayerNorm ln;

        MLP() {
            var random = new SplittableRandom(0); // the weights are overwritten from the golden file
            fc1 = child("fc1", new Linear(6, 16, random));
            ln = child("ln", new LayerNorm(16));
            fc2 = child("fc2", new Linear(16, 5, random));
        }

        Tensor forward(Tensor x) { // (B, 6)
            return fc2.forward(ln.forward(fc1.forward(x).gelu())); // (B, 5)
        }
    }

    @Test
    void threeTrainingStepsOfAnMlpWithAdamWMatchPyTorch() {
        Map<String, Tensor> g = golden("mlp.safetensors");
        var model = new MLP();
        Map<String, Tensor> initial = new LinkedHashMap<>();
        g.forEach((key, t) -> {
            if (key.startsWith("initial.")) {
                initial.put(key.substring("initial.".length()), t);
            }
        });
        model.loadStateDict(initial);
        int[] targets = new Case("", Map.of(".t", g.get("targets"))).ints("t");
        var schedule = new LearningRateSchedule.WarmupCosine(1e-2f, 1e-3f, 2, 10);
        var optimizer = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(model.parameters(), 0.1f),
                schedule.at(0), 0.9f, 0.95f, 1e-8f);
        for (int step = 0; step < 3; step++) {
            String s = "step" + step + ".";
            optimizer.zeroGrad();
            Tensor logits = model.forward(g.get("x"));
            Tensor loss = logits.crossEntropy(targets, -100);
            loss.backward();
            float norm = Optimizer.clipGradNorm(model.parameters(), 1f);
            assertClose(s + "logits", logits, g.get(s + "logits"), RTOL, ATOL);
            assertClose(s + "loss", loss, g.get(s + "loss"), RTOL, ATOL);
            assertClose(s + "norm", norm, g.get(s + "norm").item(), RTOL, ATOL);
            model.namedParameters().forEach((name, p) ->
                    assertClose(s + "grad." + name, p.grad(), g.get(s + "grad." + name), RTOL, ATOL));
            optimizer.setLearningRate(schedule.at(step));
            optimizer.step();
            model.namedParameters().forEach((name, p) ->
                    assertClose(s + "after." + name, p, g.get(s + "after." + name), RTOL, ATOL));
        }
    }

    @Test
    void sgdWithMomentumAndAdamWithL2MatchPyTorch() {
        Map<String, Tensor> g = golden("optimizers.safetensors");
        Tensor c = g.get("c"), d = g.get("d");
        Map<String, Function<List<Tensor>, Optimizer>> setups = Map.of(
                "sgd", p -> new Optimizer.SGD(p, 0.1f, 0.9f),
                "sgd_weight_decay", p -> new Optimizer.SGD(p, 0.1f, 0f, 0.05f),
                "adam", p -> new Optimizer.Adam(p, 0.05f, 0.8f, 0.9f, 1e-8f, 0.01f));
        List<String> checked = new ArrayList<>();
        setups.forEach((name, make) -> {
            Tensor p = Tensor.of(g.get("initial").toArray(), 6).requiresGrad(true);
            Optimizer optimizer = make.apply(List.of(p));
            for (int step = 0; step < 3; step++) {
                optimizer.zeroGrad();
                c.mul(p).mul(p).sum().add(d.mul(p).sum()).backward();
                optimizer.step();
                assertClose(name + ".step" + step, p, g.get(name + ".step" + step), RTOL, ATOL);
                checked.add(name + ".step" + step);
            }
        });
        assertThat(checked).containsExactlyInAnyOrderElementsOf(
                g.keySet().stream().filter(k -> k.contains(".step")).toList());
    }
}
