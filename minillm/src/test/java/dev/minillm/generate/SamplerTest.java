package dev.minillm.generate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {

    private static final float[] LOGITS = {2f, 1f, 0f, -1f};
    private static final int[] NONE = {};

    @Test
    void greedyPutsEverythingOnTheArgMaxAndTheFirstOnTies() {
        assertThat(Sampler.distribution(LOGITS, SamplerSettings.greedy(), NONE)).containsExactly(1f, 0f, 0f, 0f);
        assertThat(Sampler.argmax(new float[] {1f, 3f, 3f})).isEqualTo(1);
    }

    @Test
    void temperatureSharpensBelowOneAndFlattensAboveOne() {
        float[] cold = Sampler.softmax(LOGITS, 0.5f), warm = Sampler.softmax(LOGITS, 1f), hot = Sampler.softmax(LOGITS, 5f);
        assertThat(warm[0]).isCloseTo((float) (Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1 + Math.exp(-1))), within(1e-6f));
        assertThat(cold[0]).isGreaterThan(warm[0]);
        assertThat(hot[0]).isLessThan(warm[0]).isGreaterThan(0.25f);
        float sum = 0;
        for (float p : hot) {
            sum += p;
        }
        assertThat(sum).isCloseTo(1f, within(1e-6f));
        assertThat(Sampler.softmax(new float[] {1000f, 0f}, 1f)).containsExactly(1f, 0f);  // no overflow
    }

    @Test
    void topKKeepsTheKMostLikelyAndRenormalises() {
        float[] p = {0.1f, 0.4f, 0.2f, 0.3f};
        assertThat(Sampler.keepTopK(p, 2)).containsExactly(new float[] {0f, 4f / 7, 0f, 3f / 7}, within(1e-6f));
        assertThat(Sampler.keepTopK(p, 0)).isSameAs(p);
        assertThat(Sampler.keepTopK(new float[] {0.5f, 0.25f, 0.25f}, 2)).as("ties: the lower id")
                .containsExactly(new float[] {2f / 3, 1f / 3, 0f}, within(1e-6f));
    }

    @Test
    void topPKeepsTheSmallestNucleusThatReachesP() {
        float[] p = {0.05f, 0.5f, 0.15f, 0.3f};
        assertThat(Sampler.keepTopP(p, 0.8f)).containsExactly(new float[] {0f, 0.625f, 0f, 0.375f}, within(1e-6f));
        assertThat(Sampler.keepTopP(p, 0.81f)).containsExactly(new float[] {0f, 0.5f / 0.95f, 0.15f / 0.95f, 0.3f / 0.95f},
                within(1e-6f));
        assertThat(Sampler.keepTopP(p, 0.1f)).as("at least the most likely").containsExactly(0f, 1f, 0f, 0f);
    }

    @Test
    void theRepetitionPenaltyLowersSeenTokensWhicheverTheirSign() {
        float[] out = Sampler.penalize(new float[] {2f, -1f, 0.5f}, new int[] {0, 1, 1}, 2f);
        assertThat(out).containsExactly(1f, -2f, 0.5f);
        assertThat(Sampler.penalize(LOGITS, new int[] {0}, 1f)).isSameAs(LOGITS);
        assertThatThrownBy(() -> Sampler.penalize(LOGITS, new int[] {9}, 1.5f)).hasMessageContaining("history token 9");
    }

    @Test
    void drawsFollowTheDistribution() {
        float[] p = {0.2f, 0f, 0.5f, 0.3f};
        int[] counts = new int[4];
        var random = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            counts[Sampler.draw(p, random)]++;
        }
        assertThat(counts[1]).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(counts[i] / 20_000.0).isCloseTo(p[i], within(0.015));
        }
        int a = Sampler.pick(LOGITS, SamplerSettings.temperature(1f).withTopP(0.9f), NONE, new SplittableRandom(5));
        int b = Sampler.pick(LOGITS, SamplerSettings.temperature(1f).withTopP(0.9f), NONE, new SplittableRandom(5));
        assertThat(a).as("seeded").isEqualTo(b);
    }

    @Test
    void badSettingsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> SamplerSettings.temperature(-1f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplerSettings.temperature(1f).withTopK(-1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> SamplerSettings.temperature(1f).withTopP(0f)).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplerSettings.temperature(1f).withTopP(1.5f)).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplerSettings.greedy().withRepetitionPenalty(0.5f)).hasMessageContaining("repetitionPenalty");
        assertThatThrownBy(() -> Sampler.distribution(new float[0], SamplerSettings.greedy(), NONE)).hasMessageContaining("no logits");
        assertThatThrownBy(() -> Sampler.draw(new float[] {0f, 0f}, new SplittableRandom(1))).hasMessageContaining("every probability is 0");
    }
}
