package dev.minillm.rnn;

import dev.minillm.nn.Batch;
import dev.minillm.nn.NnTestSupport;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.minillm.nn.NnTestSupport.assertClose;
import static dev.minillm.nn.NnTestSupport.golden;
import static dev.minillm.nn.NnTestSupport.leaf;
import static dev.minillm.nn.NnTestSupport.rows;
import static dev.minillm.nn.NnTestSupport.withPrefix;

/**
 * The recurrent cells, layers, the state-space layer and the char-LSTM language model against
 * PyTorch ({@code src/test/python/rnn_golden.py}): |java - torch| ≤ 1e-6 + 1e-5·|torch|, outputs
 * and gradients alike.
 */
class RnnGoldenTest {

    static final double RTOL = 1e-5, ATOL = 1e-6;
    static final List<RecurrentCell.Kind> KINDS = List.of(RecurrentCell.Kind.RNN, RecurrentCell.Kind.LSTM,
            RecurrentCell.Kind.GRU);

    @Test
    void committedGoldenFilesAreWhatPyTorchComputes() throws IOException, InterruptedException {
        NnTestSupport.checkGoldenFilesAreCurrent("rnn_golden.py", "rnn",
                List.of("cells.safetensors", "layers.safetensors", "ssm.safetensors", "rnn_lm.safetensors"));
    }

    @TestFactory
    Stream<DynamicTest> oneStepOfEachCellMatchesPyTorch() {
        Map<String, Tensor> g = golden("rnn/cells.safetensors");
        return KINDS.stream().map(kind -> DynamicTest.dynamicTest(kind.name(), () -> {
            String k = kind.name().toLowerCase(java.util.Locale.ROOT) + ".";
            RecurrentCell cell = kind.create(4, 5, new SplittableRandom(0));
            cell.loadStateDict(withPrefix(g, k + "initial."));
            Tensor x = leaf(g.get(k + "x")), h = leaf(g.get(k + "h"));
            Tensor c = kind == RecurrentCell.Kind.LSTM ? leaf(g.get(k + "c")) : null;
            HiddenState next = cell.forward(x, new HiddenState(h, c));
            assertClose(k + "h", next.h(), g.get(k + "out.h"), RTOL, ATOL);
            Tensor loss = next.h().mul(g.get(k + "r")).sum();
            if (c != null) {
                assertClose(k + "c", next.c(), g.get(k + "out.c"), RTOL, ATOL);
                loss = loss.add(next.c().mul(g.get(k + "q")).sum());
            }
            loss.backward();
            assertClose(k + "grad x", x.grad(), g.get(k + "grad.x"), RTOL, ATOL);
            assertClose(k + "grad h", h.grad(), g.get(k + "grad.h"), RTOL, ATOL);
            if (c != null) {
                assertClose(k + "grad c", c.grad(), g.get(k + "grad.c"), RTOL, ATOL);
            }
            cell.namedParameters().forEach((name, p) ->
                    assertClose(k + "grad " + name, p.grad(), g.get(k + "grad." + name), RTOL, ATOL));
        }));
    }

    @TestFactory
    Stream<DynamicTest> eachLayerOverASequenceMatchesPyTorch() {
        Map<String, Tensor> g = golden("rnn/layers.safetensors");
        return KINDS.stream().map(kind -> DynamicTest.dynamicTest(kind.name(), () -> {
            String k = kind.name().toLowerCase(java.util.Locale.ROOT) + ".";
            var layer = RecurrentLayer.of(kind, 3, 4, new SplittableRandom(0));
            layer.loadStateDict(withPrefix(g, k + "initial."));
            Tensor x = leaf(g.get(k + "x")), h0 = leaf(g.get(k + "h0"));
            Tensor c0 = kind == RecurrentCell.Kind.LSTM ? leaf(g.get(k + "c0")) : null;
            RecurrentLayer.Output out = layer.forward(x, new HiddenState(h0, c0));
            assertClose(k + "outputs", out.outputs(), g.get(k + "out.outputs"), RTOL, ATOL);
            assertClose(k + "last h", out.last().h(), g.get(k + "out.h"), RTOL, ATOL);
            Tensor loss = out.outputs().mul(g.get(k + "r")).sum().add(out.last().h().mul(g.get(k + "rh")).sum());
            if (c0 != null) {
                assertClose(k + "last c", out.last().c(), g.get(k + "out.c"), RTOL, ATOL);
                loss = loss.add(out.last().c().mul(g.get(k + "rc")).sum());
            }
            loss.backward();
            assertClose(k + "grad x", x.grad(), g.get(k + "grad.x"), RTOL, ATOL);
            assertClose(k + "grad h0", h0.grad(), g.get(k + "grad.h0"), RTOL, ATOL);
            if (c0 != null) {
                assertClose(k + "grad c0", c0.grad(), g.get(k + "grad.c0"), RTOL, ATOL);
            }
            layer.namedParameters().forEach((name, p) ->
                    assertClose(k + "grad " + name, p.grad(), g.get(k + "grad." + name), RTOL, ATOL));
        }));
    }

    @TestFactory
    Stream<DynamicTest> theStateSpaceLayerMatchesPyTorchInEveryForm() {
        Map<String, Tensor> g = golden("rnn/ssm.safetensors");
        return Stream.of(DiagonalStateSpace.Form.values()).map(form -> DynamicTest.dynamicTest(form.name(), () -> {
            var layer = new DiagonalStateSpace(3, 4, 2, new SplittableRandom(0));
            layer.loadStateDict(withPrefix(g, "initial."));
            Tensor x = leaf(g.get("x"));
            Tensor y = layer.forward(x, form);
            assertClose(form + " output", y, g.get("out"), RTOL, ATOL);
            y.backward(g.get("r"));
            assertClose(form + " grad x", x.grad(), g.get("grad.x"), RTOL, ATOL);
            layer.namedParameters().forEach((name, p) ->
                    assertClose(form + " grad " + name, p.grad(), g.get("grad." + name), 1e-4, 1e-5));
        }));
    }

    @Test
    void theCharLstmCarriesItsStateAcrossBatchesLikeTruncatedBpttInPyTorch() {
        Map<String, Tensor> g = golden("rnn/rnn_lm.safetensors");
        var model = new RnnLanguageModel(new RnnLanguageModel.Config(RecurrentCell.Kind.LSTM, 9, 5, 6, 0f), 0);
        model.loadStateDict(withPrefix(g, "initial."));
        for (int part = 0; part < 2; part++) {
            String b = "batch" + part + ".";
            model.zeroGrad();
            var batch = new Batch(rows(g.get(b + "inputs")), rows(g.get(b + "targets")), part > 0);
            Tensor loss = model.loss(batch);
            assertClose(b + "loss", loss, g.get(b + "loss"), RTOL, ATOL);
            loss.backward();
            model.namedParameters().forEach((name, p) ->
                    assertClose(b + "grad " + name, p.grad(), g.get(b + "grad." + name), RTOL, ATOL));
        }
    }
}
