package dev.minillm.transformer;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EncoderDecoderTest {

    @Test
    void teacherForcingShiftsTheTargetRightBehindTheStartToken() {
        assertThat(EncoderDecoder.shiftRight(new int[][] {{4, 5, 6}}, 10)).isDeepEqualTo(new int[][] {{10, 4, 5}});
    }

    @Test
    void heldOutStringsNeverAppearInTraining() {
        var task = new DigitReversal(4);
        var train = task.training(500, 1);
        assertThat(java.util.Arrays.stream(train.source())).noneMatch(DigitReversal::isHeldOut);
        assertThat(java.util.Arrays.stream(task.heldOut(100, 2).source())).allMatch(DigitReversal::isHeldOut);
        assertThat(train.target()[0]).containsExactly(DigitReversal.reverse(train.source()[0]));
    }

    @Test
    void gradientsMatchFiniteDifferencesAndTheDecoderIsCausal() {
        var model = new EncoderDecoder(GPTTest.small(), 10, 1);
        int[][] source = GPTTest.tokens(1, 2, 5, 11), target = GPTTest.tokens(2, 2, 4, 10);
        GradCheck.check(in -> model.loss(source, target), model.parameters().toArray(Tensor[]::new)).orThrow();
        Tensor before = model.forward(source, target);
        target[0][3] = (target[0][3] + 1) % 10;
        Tensor after = model.forward(source, target);
        assertThat(after.select(1, 2).allClose(before.select(1, 2), 1e-6f, 1e-7f)).as("the future is hidden").isTrue();
        source[0][4] = (source[0][4] + 1) % 10;
        assertThat(model.forward(source, target).select(1, 0).allClose(after.select(1, 0), 1e-6f, 1e-7f))
                .as("every target position sees the whole source").isFalse();
    }

    @Test
    void itLearnsToReverseDigitStringsItHasNeverSeen() {
        var task = new DigitReversal(6);
        var config = new GPTConfig(DigitReversal.VOCAB_SIZE, 6, 2, 4, 64, 0f, true, GPTConfig.Norm.LAYER_NORM,
                GPTConfig.FeedForward.GELU);
        var model = new EncoderDecoder(config, DigitReversal.START, 1);
        float[] losses = model.fit(step -> task.training(32, step), 400, 3e-3f);
        double accuracy = model.exactMatch(task.heldOut(200, -1));
        System.out.printf("seq2seq loss %.3f → %.4f, held-out exact match %.3f%n", losses[0], losses[losses.length - 1],
                accuracy);
        assertThat(accuracy).isGreaterThan(0.95);
    }
}
