package dev.minillm.nn;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MLP language model: shapes, gradients, bad input, generation. */
class MlpLanguageModelTest {

    static final int VOCAB = 7;

    static Batch batch(long seed, int rows, int length) {
        var random = new SplittableRandom(seed);
        int[][] inputs = new int[rows][length], targets = new int[rows][length];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < length; t++) {
                inputs[b][t] = random.nextInt(VOCAB);
                targets[b][t] = random.nextInt(VOCAB);
            }
        }
        return Batch.of(inputs, targets);
    }

    @Test
    void parametersAreNamedAfterThePaper() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB).withDirectConnections(true), 1);
        assertThat(model.namedParameters().keySet()).containsExactly("embedding.weight", "hidden.weight", "hidden.bias",
                "output.weight", "output.bias", "direct.weight");
        // C: V·m, H and d: n·m·h + h, U and b: h·V + V, W: n·m·V
        assertThat(model.parameterCount()).isEqualTo(7 * 8 + (24 * 32 + 32) + (32 * 7 + 7) + 24 * 7);
        assertThat(model.embeddings().shape()).containsExactly(VOCAB, 8);
        assertThat(model.minSequenceLength()).isEqualTo(3);
    }

    @Test
    void logitsHaveOneRowPerContextAndTheInitialLossIsNearLogV() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 2);
        assertThat(model.logits(new int[][] {{1, 2, 3}, {4, 5, 6}}).shape()).containsExactly(2, VOCAB);
        float loss = model.loss(batch(3, 16, 10)).item();
        assertThat((double) loss).isCloseTo(Math.log(VOCAB), org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void gradientsOfAllParametersPassAGradientCheck() {
        var model = new MlpLanguageModel(new MlpLanguageModel.Config(VOCAB, 2, 3, 5, true, 0f), 4);
        Batch batch = batch(5, 2, 4);
        GradCheck.check(in -> model.loss(batch), model.parameters().toArray(Tensor[]::new)).orThrow();
    }

    @Test
    void aSequenceLongerThanTheContextIsRejectedWithAClearMessage() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 6);
        assertThatThrownBy(() -> model.logits(new int[][] {{1, 2, 3, 4}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than the configured context").hasMessageContaining("withContext(4)");
        assertThatThrownBy(() -> model.logits(new int[][] {{1, 2}}))
                .hasMessageContaining("needs exactly 3 tokens");
        assertThatThrownBy(() -> model.loss(batch(1, 2, 2)))
                .hasMessageContaining("fewer than the model's context of 3");
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 6);
        assertThatThrownBy(() -> model.logits(new int[][] {{1, 2, 7}}))
                .hasMessageContaining("token id 7 is outside the model's vocabulary of 7");
        var bad = Batch.of(new int[][] {{1, 2, 3, 4}}, new int[][] {{1, 2, 3, 9}});
        assertThatThrownBy(() -> model.loss(bad)).hasMessageContaining("token id 9").hasMessageContaining("another tokenizer");
    }

    @Test
    void ignoredTargetsDoNotCount() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 7);
        int[][] inputs = {{1, 2, 3, 4}};
        float one = model.loss(Batch.of(inputs, new int[][] {{0, 0, 5, Batch.IGNORE}})).item();
        float both = model.loss(Batch.of(inputs, new int[][] {{0, 0, 5, 6}})).item();
        float only = model.logits(new int[][] {{1, 2, 3}}).crossEntropy(5).item();
        assertThat(one).isEqualTo(only).isNotEqualTo(both);
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB).withDropout(0.5f), 8);
        Batch batch = batch(9, 4, 6);
        float a = model.loss(batch).item(), b = model.loss(batch).item();
        assertThat(a).as("different masks").isNotEqualTo(b);
        model.eval();
        assertThat(model.loss(batch).item()).isEqualTo(model.loss(batch).item());
    }

    @Test
    void generationIsSeededAndNeedsAFullContext() {
        var model = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 10);
        int[] a = model.generate(new int[] {1, 2, 3}, 20, 1f, new SplittableRandom(5));
        int[] b = model.generate(new int[] {1, 2, 3}, 20, 1f, new SplittableRandom(5));
        assertThat(a).hasSize(20).containsExactly(b);
        assertThat(java.util.Arrays.stream(a).allMatch(id -> id >= 0 && id < VOCAB)).isTrue();
        assertThat(model.isTraining()).as("generate restores the mode").isTrue();
        int[] greedy = model.generate(new int[] {1, 2, 3}, 5, 0f, new SplittableRandom(1));
        assertThat(model.generate(new int[] {1, 2, 3}, 5, 0f, new SplittableRandom(2))).containsExactly(greedy);
        assertThatThrownBy(() -> model.generate(new int[] {1}, 5, 1f, new SplittableRandom(1)))
                .hasMessageContaining("at least 3");
    }

    @Test
    void sameSeedSameWeights() {
        var a = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 11);
        var b = new MlpLanguageModel(MlpLanguageModel.Config.tiny(VOCAB), 11);
        a.stateDict().forEach((name, t) -> assertThat(t.toArray()).containsExactly(b.stateDict().get(name).toArray()));
    }

    @Test
    void configurationChecksItsNumbers() {
        assertThatThrownBy(() -> new MlpLanguageModel.Config(0, 3, 8, 32, false, 0f)).hasMessageContaining("vocabSize=0");
        assertThatThrownBy(() -> MlpLanguageModel.Config.tiny(5).withDropout(1f)).hasMessageContaining("dropout");
        assertThat(MlpLanguageModel.Config.bengio2003(100).directConnections()).isTrue();
    }
}
