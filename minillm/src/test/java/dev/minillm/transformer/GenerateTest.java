package dev.minillm.transformer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateTest {

    @Test
    void theSameSeedGivesTheSameTokens() {
        var model = new GPT(GPTTest.small(), 1);
        int[] a = model.generate(new int[] {1, 2}, 20, 1f, 0, 42);
        assertThat(a).hasSize(20);
        assertThat(java.util.Arrays.stream(a)).allMatch(id -> id >= 0 && id < 11);
        assertThat(model.generate(new int[] {1, 2}, 20, 1f, 0, 42)).containsExactly(a);
        assertThat(model.generate(new int[] {1, 2}, 20, 1f, 0, 43)).isNotEqualTo(a);
    }

    @Test
    void longerOutputsThanTheContextWindowAreCroppedNotRejected() {
        var model = new GPT(GPTTest.small(), 1); // blockSize 6
        assertThat(model.generate(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, 10, 0.8f, 5, 1)).hasSize(10);
    }

    @Test
    void topOneAndTemperatureZeroAreBothGreedy() {
        var model = new GPT(GPTTest.small(), 2);
        int[] greedy = model.generate(new int[] {3}, 12, 0f, 0, 1);
        assertThat(model.generate(new int[] {3}, 12, 1.5f, 1, 99)).containsExactly(greedy);
    }

    @Test
    void generatingLeavesTheModeAsItWas() {
        var model = new GPT(GPTTest.small(), 1);
        model.generate(new int[] {1}, 2, 1f, 0, 1);
        assertThat(model.isTraining()).isTrue();
        model.eval();
        model.generate(new int[] {1}, 2, 1f, 0, 1);
        assertThat(model.isTraining()).isFalse();
    }

    @Test
    void topKKeepsTheKLargestLogits() {
        float[] logits = {0.5f, 3f, -1f, 2f, 1f};
        assertThat(GPT.keepTopK(logits, 2)).containsExactly(Float.NEGATIVE_INFINITY, 3f, Float.NEGATIVE_INFINITY, 2f,
                Float.NEGATIVE_INFINITY);
        assertThat(GPT.keepTopK(logits, 0)).containsExactly(logits);
        assertThat(GPT.keepTopK(logits, 5)).containsExactly(logits);
    }
}
