package dev.minillm.transformer;

import dev.minillm.nn.Batch;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPTConfig.FeedForward;
import dev.minillm.transformer.GPTConfig.Norm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GPTTest {

    /** 2 layers, 2 heads, C = 8, V = 11, 6 positions. */
    static GPTConfig small() {
        return new GPTConfig(11, 6, 2, 2, 8, 0f, true, Norm.LAYER_NORM, FeedForward.GELU);
    }

    static int[][] tokens(long seed, int batch, int length, int vocab) {
        var random = new SplittableRandom(seed);
        int[][] ids = new int[batch][length];
        for (int[] row : ids) {
            Arrays.setAll(row, i -> random.nextInt(vocab));
        }
        return ids;
    }

    @Test
    void presetsHaveTheirDocumentedSizes() {
        var baby = GPTConfig.nanogptBaby(65);
        assertThat(baby).isEqualTo(new GPTConfig(65, 64, 4, 4, 128, 0f, true, Norm.LAYER_NORM, FeedForward.GELU));
        assertThat(baby.headSize()).isEqualTo(32);
        assertThat(baby.hiddenDim()).isEqualTo(512);
        assertThat(GPTConfig.tiny()).isEqualTo(new GPTConfig(50, 16, 2, 2, 32, 0f, true, Norm.LAYER_NORM, FeedForward.GELU));
        var llama = GPTConfig.tiny().llamaStyle();
        assertThat(llama.norm()).isEqualTo(Norm.RMS_NORM);
        assertThat(llama.feedForward()).isEqualTo(FeedForward.SWIGLU);
        assertThat(llama.bias()).isFalse();
        assertThat(llama.hiddenDim()).isEqualTo(88); // 8·32/3 = 85.3, rounded up to a multiple of 8
    }

    @Test
    void badConfigurationsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> new GPTConfig(50, 16, 2, 3, 32, 0f, true, Norm.LAYER_NORM, FeedForward.GELU))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not divisible by heads 3");
        assertThatThrownBy(() -> GPTConfig.tiny().withDropout(1f)).hasMessageContaining("dropout");
        assertThatThrownBy(() -> GPTConfig.tiny().withBlockSize(0)).hasMessageContaining("sizes must be positive");
        assertThatThrownBy(() -> GPTConfig.tiny().withNorm(null)).hasMessageContaining("norm");
    }

    @ParameterizedTest
    @EnumSource(FeedForward.class)
    void logitsHaveShapeBTVAndTheInitialLossIsNearLnV(FeedForward feedForward) {
        var config = GPTConfig.tiny().withFeedForward(feedForward);
        var model = new GPT(config, 1);
        int[][] x = tokens(2, 3, 16, 50), y = tokens(3, 3, 16, 50);
        assertThat(model.forward(x).shape()).containsExactly(3, 16, 50);
        // small initial weights give nearly uniform predictions: loss ≈ ln 50 = 3.91
        assertThat(model.loss(x, y).item()).isCloseTo((float) Math.log(50), within(0.1f));
    }

    @Test
    void theHeadIsTiedToTheTokenEmbedding() {
        var model = new GPT(small(), 1);
        assertThat(model.namedParameters().keySet()).noneMatch(name -> name.contains("head"));
        Tensor loss = model.loss(tokens(1, 2, 6, 11), tokens(2, 2, 6, 11));
        loss.backward();
        // every row of the table gets a gradient through the head, even ids that were never read
        for (float g : model.tokenEmbedding().weight().grad().select(0, 10).toArray()) {
            assertThat(g).isNotZero();
        }
    }

    @Test
    void parametersAreNamedAsInPyTorch() {
        var names = new GPT(small(), 1).namedParameters().keySet();
        assertThat(names).startsWith("tokenEmbedding.weight", "positionEmbedding.weight", "blocks.0.norm1.weight",
                "blocks.0.norm1.bias", "blocks.0.attention.qkv.weight", "blocks.0.attention.qkv.bias",
                "blocks.0.attention.proj.weight", "blocks.0.attention.proj.bias", "blocks.0.norm2.weight",
                "blocks.0.norm2.bias", "blocks.0.mlp.fc.weight", "blocks.0.mlp.fc.bias", "blocks.0.mlp.proj.weight",
                "blocks.0.mlp.proj.bias", "blocks.1.norm1.weight");
        assertThat(names).endsWith("finalNorm.weight", "finalNorm.bias");
    }

    @Test
    void initialisationFollowsGpt2() {
        var config = GPTConfig.nanogptBaby(65);
        var model = new GPT(config, 7);
        var params = model.namedParameters();
        assertThat(std(params.get("tokenEmbedding.weight"))).isCloseTo(0.02, within(0.001));
        assertThat(std(params.get("blocks.0.attention.qkv.weight"))).isCloseTo(0.02, within(0.001));
        double residual = 0.02 / Math.sqrt(2 * config.layers());
        assertThat(std(params.get("blocks.3.attention.proj.weight"))).isCloseTo(residual, within(0.0005));
        assertThat(std(params.get("blocks.3.mlp.proj.weight"))).isCloseTo(residual, within(0.0005));
        assertThat(params.get("blocks.0.mlp.fc.bias").toArray()).containsOnly(0f);
        assertThat(params.get("blocks.0.norm1.weight").toArray()).containsOnly(1f);
        assertThat(new GPT(config, 7).stateDict().get("blocks.2.mlp.fc.weight").toArray())
                .as("the same seed gives the same weights").containsExactly(params.get("blocks.2.mlp.fc.weight").toArray());
    }

    private static double std(Tensor t) {
        double sum = 0, squares = 0;
        for (float v : t.toArray()) {
            sum += v;
            squares += v * v;
        }
        double mean = sum / t.size();
        return Math.sqrt(squares / t.size() - mean * mean);
    }

    @Test
    void aPositionSeesOnlyItselfAndEarlierTokens() {
        var model = new GPT(small(), 3);
        int[][] a = tokens(4, 1, 6, 11), b = {a[0].clone()};
        b[0][4] = (a[0][4] + 1) % 11;
        try (var _ = Autograd.noGrad()) {
            Tensor la = model.forward(a), lb = model.forward(b);
            assertThat(la.slice(1, 0, 4).allClose(lb.slice(1, 0, 4), 0f, 0f)).as("positions before the change").isTrue();
            assertThat(la.slice(1, 4, 6).allClose(lb.slice(1, 4, 6), 1e-3f, 1e-3f)).as("positions from the change").isFalse();
        }
    }

    @Test
    void badInputsAreRejectedWithTheReason() {
        var model = new GPT(small(), 1);
        assertThatThrownBy(() -> model.forward(tokens(1, 1, 7, 11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("T = 7").hasMessageContaining("blockSize = 6");
        assertThatThrownBy(() -> model.forward(new int[][] {{1, 2, 11}}))
                .hasMessageContaining("token id 11").hasMessageContaining("outside the vocabulary 0..10");
        assertThatThrownBy(() -> model.forward(new int[][] {{1, -1}})).hasMessageContaining("token id -1");
        assertThatThrownBy(() -> model.forward(new int[][] {{1, 2}, {3}})).hasMessageContaining("row 1 has 1 tokens");
        assertThatThrownBy(() -> model.forward(new int[][] {{}})).hasMessageContaining("at least one token");
        assertThatThrownBy(() -> model.loss(new int[][] {{1, 2}}, new int[][] {{1, 12}})).hasMessageContaining("12");
        assertThatThrownBy(() -> model.generate(new int[0], 3, 1f, 0, 1)).hasMessageContaining("prompt is empty");
        assertThatThrownBy(() -> model.generate(new int[] {20}, 3, 1f, 0, 1)).hasMessageContaining("token id 20");
    }

    @Test
    void ignoredTargetsDoNotCount() {
        var model = new GPT(small(), 1);
        int[][] x = tokens(1, 1, 6, 11), y = tokens(2, 1, 6, 11);
        int[][] ignored = {y[0].clone()};
        ignored[0][5] = Batch.IGNORE;
        float partial = model.loss(x, ignored).item();
        try (var _ = Autograd.noGrad()) {
            Tensor logits = model.forward(x).reshape(6, 11).slice(0, 0, 5);
            assertThat(partial).isCloseTo(logits.crossEntropy(Arrays.copyOf(y[0], 5)).item(), within(1e-6f));
        }
    }

    @Test
    void theGradientOfTheLossMatchesFiniteDifferences() {
        for (var config : new GPTConfig[] {small(), small().llamaStyle()}) {
            var model = new GPT(config, 5);
            // larger weights than GPT-2's 0.02, so every part of the network matters to the loss
            var random = new SplittableRandom(6);
            model.parameters().forEach(p -> {
                float[] v = p.data();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (random.nextGaussian() * 0.3);
                }
            });
            int[][] x = tokens(7, 2, 5, 11), y = tokens(8, 2, 5, 11);
            var p = model.namedParameters();
            String ff = config.feedForward() == FeedForward.GELU ? "fc" : "gate";
            Tensor[] checked = {p.get("positionEmbedding.weight"), p.get("blocks.0.norm1.weight"),
                    p.get("blocks.0.attention.qkv.weight"), p.get("blocks.1.mlp." + ff + ".weight"),
                    p.get("blocks.1.mlp.proj.weight"), p.get("finalNorm.weight"), p.get("tokenEmbedding.weight")};
            GradCheck.check(in -> model.loss(x, y), checked).orThrow();
        }
    }
}
