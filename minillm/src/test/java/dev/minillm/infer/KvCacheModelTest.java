package dev.minillm.infer;

import dev.minillm.generate.GenerationSettings;
import dev.minillm.generate.Generator;
import dev.minillm.generate.GptModel;
import dev.minillm.generate.SamplerSettings;
import dev.minillm.generate.Session;
import dev.minillm.position.Positions;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import dev.minillm.transformer.PositionScheme;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cached model gives the recompute model's logits, for every configuration the GPT has. */
class KvCacheModelTest {

    static Stream<GPTConfig> configs() {
        GPTConfig tiny = GPTConfig.tiny();                                // V 50, blockSize 16, learned positions
        return Stream.concat(Positions.all().stream().map(tiny::withPositions), Stream.of(
                tiny.withNorm(GPTConfig.Norm.RMS_NORM).withFeedForward(GPTConfig.FeedForward.SWIGLU).withBias(false),
                tiny.withExperts(4, 2),
                tiny.withPositions(Positions.rope(10_000, 2, dev.minillm.position.RotaryPositions.Convention.HALF))));
    }

    private static int[] tokens(int n, long seed) {
        return new SplittableRandom(seed).ints(n, 0, 50).toArray();
    }

    private static void assertSameRows(float[][] actual, float[][] expected, String what) {
        assertThat(actual).as(what).hasDimensions(expected.length, expected[0].length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("%s: row %d, logit %d", what, i, j)
                        .isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(2e-5f + 2e-5f * Math.abs(expected[i][j])));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedLogitsEqualRecomputedOnesPrefilledOrOneByOne(GPTConfig config) {
        var gpt = new GPT(config, 5);
        int[] text = tokens(14, 1);
        float[][] expected = new GptModel(gpt).start().append(text);
        var model = new KvCacheModel(gpt);
        assertSameRows(model.start().append(text), expected, config.positions() + ": prefill");
        Session oneByOne = model.start();
        float[][] rows = new float[text.length][];
        oneByOne.append(text[0], text[1], text[2]);
        for (int i = 3; i < text.length; i++) {
            rows[i] = oneByOne.append(text[i])[0];
        }
        for (int i = 3; i < text.length; i++) {
            assertSameRows(new float[][] {rows[i]}, new float[][] {expected[i]}, config.positions() + ": token " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void pastTheWindowTheCacheAgreesWithTheSlidingRecompute(GPTConfig config) {
        var gpt = new GPT(config, 6);
        int[] text = tokens(22, 2);                               // blockSize 16
        float[][] expected = new GptModel(gpt).start().append(text);
        Session session = new KvCacheModel(gpt).start();
        float[][] actual = new float[22][];
        float[][] head = session.append(Arrays.copyOf(text, 10));
        System.arraycopy(head, 0, actual, 0, 10);
        for (int i = 10; i < 22; i++) {
            actual[i] = session.append(text[i])[0];
        }
        assertSameRows(actual, expected, config.positions() + " past the window");
        session.truncate(12);                                      // back inside the window: rebuilt on demand
        assertSameRows(session.append(text[12]), new float[][] {expected[12]}, "after truncating back");
    }

    @Test
    void truncateRollsBackForSpeculativeDecoding() {
        var gpt = new GPT(GPTConfig.tiny().withPositions(Positions.ROPE), 7);
        int[] text = tokens(10, 3);
        Session session = new KvCacheModel(gpt).start();
        session.append(Arrays.copyOf(text, 6));
        session.append(9, 9, 9);                                   // rejected guesses
        session.truncate(6);
        float[][] rows = session.append(Arrays.copyOfRange(text, 6, 10));
        float[][] expected = new GptModel(gpt).start().append(text);
        assertSameRows(rows, Arrays.copyOfRange(expected, 6, 10), "after rollback");
        assertThat(session.tokens()).containsExactly(text);
    }

    @Test
    void generationWithTheCacheIsTheSameText() {
        var gpt = new GPT(GPTConfig.tiny(), 8);
        var settings = GenerationSettings.of(30, SamplerSettings.temperature(1f).withTopK(20));
        int[] plain = new Generator(new GptModel(gpt)).generate(new int[] {1, 2}, settings, 4).tokens();
        int[] cached = new Generator(new KvCacheModel(gpt)).generate(new int[] {1, 2}, settings, 4).tokens();
        assertThat(cached).containsExactly(plain);
    }

    @Test
    void badInputIsRefused() {
        Session session = new KvCacheModel(new GPT(GPTConfig.tiny(), 1)).start();
        assertThatThrownBy(session::append).hasMessageContaining("no tokens");
        assertThatThrownBy(() -> session.append(50)).hasMessageContaining("token id 50");
        assertThatThrownBy(() -> session.truncate(2)).hasMessageContaining("not in 0..0");
    }
}
