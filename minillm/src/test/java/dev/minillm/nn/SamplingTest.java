package dev.minillm.nn;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplingTest {

    @Test
    void temperatureZeroIsTheArgMax() {
        assertThat(Sampling.sample(new float[] {0.1f, 3f, -1f, 2.9f}, 0f, new SplittableRandom(1))).isEqualTo(1);
    }

    @Test
    void frequenciesFollowTheSoftmaxAtTheTemperature() {
        float[] logits = {0f, (float) Math.log(3)}; // softmax: 1/4, 3/4; at T = 2: 1/(1+√3), √3/(1+√3)
        var random = new SplittableRandom(42);
        int ones = 0, n = 20_000;
        for (int i = 0; i < n; i++) {
            ones += Sampling.sample(logits, 1f, random);
        }
        assertThat(ones / (double) n).isCloseTo(0.75, within(0.02));
        int hot = 0;
        for (int i = 0; i < n; i++) {
            hot += Sampling.sample(logits, 2f, random);
        }
        assertThat(hot / (double) n).isCloseTo(Math.sqrt(3) / (1 + Math.sqrt(3)), within(0.02));
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        assertThat(Sampling.sample(new float[] {1e30f, 1e30f - 1e25f, -1e30f}, 1f, new SplittableRandom(3))).isBetween(0, 1);
    }

    @Test
    void badTemperaturesAreRejected() {
        assertThatThrownBy(() -> Sampling.sample(new float[] {1f}, -1f, new SplittableRandom(1)))
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> Sampling.sample(new float[] {1f}, Float.NaN, new SplittableRandom(1)))
                .hasMessageContaining("temperature");
    }
}
