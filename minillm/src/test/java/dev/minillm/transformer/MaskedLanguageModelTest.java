package dev.minillm.transformer;

import dev.minillm.nn.Batch;
import dev.minillm.nn.Trainer;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MaskedLanguageModelTest {

    @Test
    void theMaskingRuleSelects15PercentAndSplitsThem80_10_10() {
        int rows = 200, length = 100, maskId = 50;
        int[][] tokens = GPTTest.tokens(1, rows, length, maskId);
        Batch batch = MaskedLanguageModel.mask(tokens, maskId, new SplittableRandom(7));
        int selected = 0, masked = 0, kept = 0, changed = 0;
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < length; i++) {
                int target = batch.targets()[b][i], input = batch.inputs()[b][i];
                if (target == Batch.IGNORE) {
                    assertThat(input).as("unselected tokens are untouched").isEqualTo(tokens[b][i]);
                    continue;
                }
                selected++;
                assertThat(target).as("the target is the original token").isEqualTo(tokens[b][i]);
                if (input == maskId) {
                    masked++;
                } else if (input == tokens[b][i]) {
                    kept++;
                } else {
                    changed++;
                }
            }
        }
        assertThat(selected / (double) (rows * length)).isCloseTo(0.15, within(0.01));
        assertThat(masked / (double) selected).isCloseTo(0.8, within(0.03));
        // a random replacement hits the original token 1 time in 50, so "kept" is a little over 10%
        assertThat(kept / (double) selected).isCloseTo(0.1 + 0.1 / 50, within(0.02));
        assertThat(changed / (double) selected).isCloseTo(0.1 - 0.1 / 50, within(0.02));
        assertThat(MaskedLanguageModel.mask(tokens, maskId, new SplittableRandom(7)).inputs())
                .as("seeded").isDeepEqualTo(batch.inputs());
    }

    @Test
    void everyRowGetsAtLeastOneTarget() {
        Batch batch = MaskedLanguageModel.mask(new int[][] {{1}, {2}, {3}}, 5, new SplittableRandom(1));
        assertThat(batch.targets()).isDeepEqualTo(new int[][] {{1}, {2}, {3}});
    }

    @Test
    void theEncoderSeesBothDirectionsAndItsGradientsMatchFiniteDifferences() {
        var model = new MaskedLanguageModel(GPTTest.small(), 1);
        int[][] x = GPTTest.tokens(1, 1, 6, 11);
        Tensor before = model.forward(x);
        x[0][5] = (x[0][5] + 1) % 11;  // change the last token: in an encoder, position 0 notices
        assertThat(model.forward(x).select(1, 0).allClose(before.select(1, 0), 1e-6f, 1e-7f)).isFalse();
        Batch batch = MaskedLanguageModel.mask(GPTTest.tokens(2, 2, 6, 10), 10, new SplittableRandom(3));
        GradCheck.check(in -> model.loss(batch), model.parameters().toArray(Tensor[]::new)).orThrow();
        assertThatThrownBy(() -> model.generate(new int[] {1}, 3, 1f, new SplittableRandom(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("fill");
    }

    @Test
    void aSmallBertLearnsToFillMasksThatOnlyTheRightContextReveals() {
        var task = new DigitPalindromes(6);
        var config = new GPTConfig(DigitPalindromes.VOCAB_SIZE, 12, 2, 4, 64, 0f, true, GPTConfig.Norm.LAYER_NORM,
                GPTConfig.FeedForward.GELU);
        var model = new MaskedLanguageModel(config, 1);
        var training = Trainer.Config.quick().withMaxSteps(300).withBatchSize(32).withBlockSize(12)
                .withLearningRate(3e-3f, 3e-4f).withEvaluation(300, 8);
        var result = new Trainer(model, task.batches(32, 1), task.batches(32, 2), training).fit().orThrow();
        System.out.printf("MLM validation loss %.3f, unigram ln 10 = %.3f%n", result.bestValidationLoss(), Math.log(10));
        assertThat(result.bestValidationLoss()).as("far below the unigram baseline ln 10").isLessThan(1.0);
        int right = 0;
        int[][] strings = task.strings(100, -1);
        for (int[] string : strings) {
            int[] filled = model.fill(masked(string.clone(), DigitPalindromes.MASK, 1, 4));  // twins at 10 and 7
            right += filled[1] == string[1] && filled[4] == string[4] ? 1 : 0;
        }
        System.out.println("filled " + right + " of 100");
        assertThat(right).isGreaterThan(90);
    }

    static int[] masked(int[] tokens, int maskId, int... positions) {
        for (int p : positions) {
            tokens[p] = maskId;
        }
        return tokens;
    }
}
