package dev.minillm.nn;

import dev.minillm.tensor.LayerNorm;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.minillm.nn.NnTestSupport.assertClose;
import static dev.minillm.nn.NnTestSupport.golden;
import static dev.minillm.nn.NnTestSupport.leaf;
import static dev.minillm.nn.NnTestSupport.rows;
import static dev.minillm.nn.NnTestSupport.withPrefix;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 4's layers and training step against PyTorch ({@code src/test/python/nn_golden.py}):
 * |java - torch| ≤ 1e-6 + 1e-5·|torch| for outputs and gradients, 1e-5 + 1e-4·|torch| for weights
 * after two optimizer steps (Adam divides by √v, which magnifies rounding in tiny gradients).
 */
class NnGoldenTest {

    static final double RTOL = 1e-5, ATOL = 1e-6;

    @Test
    void committedGoldenFilesAreWhatPyTorchComputes() throws IOException, InterruptedException {
        NnTestSupport.checkGoldenFilesAreCurrent("nn_golden.py", "nn",
                List.of("sequential.safetensors", "mlp_lm.safetensors", "geometry.safetensors"));
    }

    @Test
    void sequentialOfLinearActivationsAndLayerNormMatchesPyTorch() {
        Map<String, Tensor> g = golden("nn/sequential.safetensors");
        var random = new SplittableRandom(0); // overwritten from the golden file
        var model = new Sequential()
                .add(new Linear(5, 8, random)).add(Activation.tanh())
                .add(new Linear(8, 8, random)).add(Activation.sigmoid())
                .add(new Linear(8, 8, random)).add(Activation.relu())
                .add(new Linear(8, 8, random)).add(Activation.gelu())
                .add(new Linear(8, 8, random)).add(new Activation(Activation.Kind.SILU))
                .add(new LayerNorm(8)).add(new Linear(8, 3, random));
        model.loadStateDict(withPrefix(g, "initial."));
        Tensor x = leaf(g.get("x"));
        Tensor out = model.forward(x);
        assertClose("output", out, g.get("out"), RTOL, ATOL);
        out.backward(g.get("r"));
        assertClose("grad x", x.grad(), g.get("grad.x"), RTOL, ATOL);
        model.namedParameters().forEach((name, p) -> assertClose("grad " + name, p.grad(), g.get("grad." + name), RTOL, ATOL));
    }

    @Test
    void mlpLanguageModelLossAndGradientsMatchPyTorch() {
        Map<String, Tensor> g = golden("nn/mlp_lm.safetensors");
        var model = new MlpLanguageModel(new MlpLanguageModel.Config(11, 3, 4, 8, true, 0f), 0);
        model.loadStateDict(withPrefix(g, "initial."));
        var batch = Batch.of(rows(g.get("inputs")), rows(g.get("targets")));

        Tensor loss = model.loss(batch);
        assertClose("loss", loss, g.get("loss"), RTOL, ATOL);
        loss.backward();
        model.namedParameters().forEach((name, p) -> assertClose("grad " + name, p.grad(), g.get("grad." + name), RTOL, ATOL));

        int[][] inputs = batch.inputs();
        int[][] contexts = new int[2 * 4][]; // rows of 6 tokens, context 3: 4 windows per row
        for (int b = 0; b < 2; b++) {
            for (int w = 0; w < 4; w++) {
                contexts[b * 4 + w] = java.util.Arrays.copyOfRange(inputs[b], w, w + 3);
            }
        }
        assertClose("logits", model.logits(contexts), g.get("logits"), RTOL, ATOL);
    }

    @Test
    void twoTrainerStepsMatchPyTorch() {
        Map<String, Tensor> g = golden("nn/mlp_lm.safetensors");
        var model = new MlpLanguageModel(new MlpLanguageModel.Config(11, 3, 4, 8, true, 0f), 0);
        model.loadStateDict(withPrefix(g, "initial."));
        var batch = Batch.of(rows(g.get("inputs")), rows(g.get("targets")));
        BatchSampler same = step -> batch;
        var config = Trainer.Config.quick().withMaxSteps(2).withLearningRate(1e-2f, 1e-3f).withWarmupSteps(1)
                .withWeightDecay(0.1f).withGradClip(1f).withRestoreBest(false);
        var result = new Trainer(model, same, same, config).fit();

        assertThat(result.steps()).isEqualTo(2);
        List<TrainingHistory.Entry> entries = result.history().entries();
        for (int step = 0; step < 2; step++) {
            assertClose("loss of step " + step, Tensor.scalar((float) entries.get(step).trainLoss()),
                    g.get("step" + step + ".loss"), RTOL, ATOL);
            assertClose("norm of step " + step, Tensor.scalar((float) entries.get(step).gradNorm()),
                    g.get("step" + step + ".norm"), RTOL, ATOL);
        }
        model.namedParameters().forEach((name, p) -> assertClose("trained " + name, p, g.get("trained." + name), 1e-4, 1e-5));
    }

    @Test
    void cosineSimilarityAndPcaMatchPyTorch() {
        Map<String, Tensor> g = golden("nn/geometry.safetensors");
        Tensor table = g.get("table");
        float[][] rows = table.toMatrix();
        float[] cosine = new float[rows.length * rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows.length; j++) {
                cosine[i * rows.length + j] = (float) EmbeddingGeometry.cosineSimilarity(rows[i], rows[j]);
            }
        }
        assertClose("cosine", Tensor.of(cosine, rows.length, rows.length), g.get("cosine"), 1e-5, 1e-6);

        var pca = EmbeddingGeometry.pca(table, 2);
        assertClose("variances", Tensor.vector(toFloats(pca.variances())), g.get("variances"), 1e-5, 1e-6);
        assertClose("components", Tensor.of(flatten(pca.components()), 2, 6), g.get("components"), 1e-4, 1e-5);
        assertClose("points", Tensor.of(flatten(pca.points()), 20, 2), g.get("points"), 1e-4, 1e-5);
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    private static float[] flatten(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                flat[i * rows[i].length + j] = (float) rows[i][j];
            }
        }
        return flat;
    }
}
