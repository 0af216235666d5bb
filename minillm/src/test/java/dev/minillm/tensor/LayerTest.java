package dev.minillm.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Layers: named parameters, state dicts, safetensors checkpoints, train/eval, the built-in layers. */
class LayerTest {

    /** A small language model: embedding, a block of norm + MLP, an output layer tied to the embedding. */
    static final class TinyModel extends Layer {
        final Embedding embedding;
        final LayerNorm norm;
        final Linear hidden;
        final Dropout dropout;

        TinyModel(RandomGenerator random) {
            embedding = child("embedding", new Embedding(10, 4, random));
            norm = child("norm", new LayerNorm(4));
            hidden = child("hidden", new Linear(4, 4, false, random));
            dropout = child("dropout", new Dropout(0.5f, random));
            buffer("positions", Tensor.arange(3));
        }

        Tensor forward(int[][] ids) { // (B, T) -> logits (B, T, 10)
            Tensor x = embedding.forward(ids);                               // (B, T, 4)
            x = x.add(dropout.forward(hidden.forward(norm.forward(x)).gelu())); // (B, T, 4)
            return x.matmul(embedding.weight().transpose());                 // (B, T, 10), tied weights
        }
    }

    @Test
    void parametersHaveDottedNamesInRegistrationOrder() {
        var model = new TinyModel(new SplittableRandom(1));
        assertThat(model.namedParameters().keySet())
                .containsExactly("embedding.weight", "norm.weight", "norm.bias", "hidden.weight");
        assertThat(model.parameters()).allMatch(Tensor::requiresGrad);
        assertThat(model.parameterCount()).isEqualTo(10 * 4 + 4 + 4 + 16);
        assertThat(model.embedding.weight().name()).isEqualTo("embedding.weight");
        assertThat(model.stateDict().keySet()).containsExactly(
                "positions", "embedding.weight", "norm.weight", "norm.bias", "hidden.weight");
        assertThat(model.namedLayers().keySet()).containsExactly("", "embedding", "norm", "hidden", "dropout");
    }

    @Test
    void aSharedTensorIsOneParameterButTwoStateEntries() {
        final class Tied extends Layer {
            Tied() {
                Tensor shared = parameter("a", Tensor.ones(2));
                parameter("b", shared);
            }
        }
        var tied = new Tied();
        assertThat(tied.namedParameters()).containsOnlyKeys("a");
        assertThat(tied.stateDict()).containsOnlyKeys("a", "b");
    }

    @Test
    void toStringShowsTheTree() {
        assertThat(new TinyModel(new SplittableRandom(1))).hasToString("""
                TinyModel(
                  (embedding): Embedding(count=10, dim=4)
                  (norm): LayerNorm(dim=4, eps=1.0E-5, bias=true)
                  (hidden): Linear(in=4, out=4, bias=false)
                  (dropout): Dropout(p=0.5)
                )""");
    }

    @Test
    void aCheckpointRoundTripsThroughSafetensors(@TempDir Path dir) {
        var model = new TinyModel(new SplittableRandom(1));
        var other = new TinyModel(new SplittableRandom(2));
        model.eval();
        other.eval();
        int[][] ids = {{1, 2, 3}, {4, 5, 9}};
        assertThat(other.forward(ids).allClose(model.forward(ids), 0, 0)).isFalse();
        Path file = dir.resolve("tiny.safetensors");
        model.save(file);
        assertThat(SafeTensors.read(file).metadata()).containsEntry("format", "pt");
        other.load(file);
        assertThat(other.forward(ids).toArray()).containsExactly(model.forward(ids).toArray());
    }

    @Test
    void loadStateDictNamesWhatDoesNotFit() {
        var model = new TinyModel(new SplittableRandom(1));
        Map<String, Tensor> state = new HashMap<>(model.stateDict());
        state.remove("norm.bias");
        state.put("extra.weight", Tensor.ones(1));
        assertThatThrownBy(() -> model.loadStateDict(state))
                .hasMessage("loadStateDict: the state does not fit TinyModel; missing keys [norm.bias]; unexpected keys [extra.weight]");
        state.put("hidden.weight", Tensor.ones(4, 5));
        assertThatThrownBy(() -> model.loadStateDict(state, false))
                .hasMessage("loadStateDict: 'hidden.weight' has shape [4, 4] in the layer but [4, 5] in the state");
        state.put("hidden.weight", Tensor.full(3, 4, 4));
        model.loadStateDict(state, false); // non-strict: skips the missing and the unexpected
        assertThat(model.hidden.weight().toArray()).containsOnly(3f);
    }

    @Test
    void trainAndEvalSwitchDropoutEverywhere() {
        var model = new TinyModel(new SplittableRandom(1));
        Tensor x = Tensor.ones(2, 4);
        assertThat(model.dropout.forward(x).toArray()).contains(0f);
        model.eval();
        assertThat(model.dropout.isTraining()).isFalse();
        assertThat(model.dropout.forward(x)).isSameAs(x);
        model.train();
        assertThat(model.isTraining()).isTrue();
        assertThat(model.dropout.isTraining()).isTrue();
    }

    @Test
    void zeroGradClearsEveryParameter() {
        var model = new TinyModel(new SplittableRandom(1));
        model.forward(new int[][] {{1, 2}}).sum().backward();
        assertThat(model.parameters()).allMatch(Tensor::hasGrad);
        model.zeroGrad();
        assertThat(model.parameters()).noneMatch(Tensor::hasGrad);
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> new Layer() {
            {
                parameter("a.b", Tensor.ones(1));
            }
        }).hasMessageContaining("contain no '.'");
        assertThatThrownBy(() -> new Layer() {
            {
                parameter("w", Tensor.ones(1));
                buffer("w", Tensor.ones(1));
            }
        }).hasMessageContaining("already has something named 'w'");
        Tensor notALeaf = Tensor.ones(1).requiresGrad(true).mul(2);
        assertThatThrownBy(() -> new Layer() {
            {
                parameter("w", notALeaf);
            }
        }).hasMessageContaining("must be a leaf tensor");
    }

    @Test
    void linearComputesXTimesWeightTransposedPlusBias() {
        var linear = new Linear(3, 2, new SplittableRandom(5));
        float bound = (float) (1 / Math.sqrt(3));
        assertThat(linear.weight().shape()).containsExactly(2, 3);
        assertThat(linear.weight().abs().max().item()).isLessThanOrEqualTo(bound);
        assertThat(linear.bias().abs().max().item()).isLessThanOrEqualTo(bound);
        Tensor x = Tensor.randn(6, 4, 5, 3);
        Tensor y = linear.forward(x);
        assertThat(y.shape()).containsExactly(4, 5, 2);
        float expected = linear.bias().get(1);
        for (int i = 0; i < 3; i++) {
            expected += x.get(3, 4, i) * linear.weight().get(1, i);
        }
        assertThat(y.get(3, 4, 1)).isCloseTo(expected, within(1e-5f));
        assertThat(new Linear(3, 2, new SplittableRandom(5)).weight().toArray()).containsExactly(linear.weight().toArray());
        assertThat(new Linear(3, 2, false, new SplittableRandom(5)).bias()).isNull();
        assertThatThrownBy(() -> new Linear(0, 2, new SplittableRandom(5))).hasMessageContaining("positive");
    }

    @Test
    void embeddingLooksUpRowsAndOnlyUsedRowsGetGradients() {
        var embedding = new Embedding(5, 3, new SplittableRandom(1));
        Tensor vectors = embedding.forward(new int[][] {{4, 0}, {4, 4}});
        assertThat(vectors.shape()).containsExactly(2, 2, 3);
        assertThat(vectors.select(0, 1).select(0, 0).toArray()).containsExactly(embedding.weight().select(0, 4).toArray());
        assertThat(embedding.forward(1, 2).shape()).containsExactly(2, 3);
        vectors.sum().backward();
        Tensor grad = embedding.weight().grad();
        assertThat(grad.select(0, 4).toArray()).containsOnly(3f); // used three times
        assertThat(grad.select(0, 0).toArray()).containsOnly(1f);
        assertThat(grad.select(0, 2).toArray()).containsOnly(0f);
        assertThatThrownBy(() -> embedding.forward(new int[][] {{1, 2}, {3}})).hasMessageContaining("pad them");
    }

    @Test
    void normLayersStartAsPlainNormalisation() {
        Tensor x = Tensor.randn(3, 2, 8);
        assertThat(new LayerNorm(8).forward(x).allClose(x.layerNorm(null, null, 1e-5f), 0, 0)).isTrue();
        assertThat(new RMSNorm(8, 1e-6f).forward(x).allClose(x.rmsNorm(null, 1e-6f), 0, 0)).isTrue();
        assertThat(new LayerNorm(8, 1e-5f, false).namedParameters()).containsOnlyKeys("weight");
        assertThat(List.of(new RMSNorm(8, 1e-6f).toString(), new Dropout(0.1f, new SplittableRandom(1)).toString()))
                .containsExactly("RMSNorm(dim=8, eps=1.0E-6)", "Dropout(p=0.1)");
    }
}
