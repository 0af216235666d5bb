package dev.minillm.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BeamSearchTest {

    /** log p of tokens after prompt, summed, straight from the model. */
    private static double logProbability(CausalModel model, int[] prompt, int... tokens) {
        double total = 0;
        int[] sequence = java.util.Arrays.copyOf(prompt, prompt.length + tokens.length);
        System.arraycopy(tokens, 0, sequence, prompt.length, tokens.length);
        float[][] rows = model.start().append(sequence);
        for (int i = 0; i < tokens.length; i++) {
            float[] p = Sampler.softmax(rows[prompt.length - 1 + i], 1f);
            total += Math.log(p[tokens[i]]);
        }
        return total;
    }

    @Test
    void aWideEnoughBeamFindsTheMostProbableTextWhichGreedyMisses() {
        int v = 5;
        int[] prompt = {0};
        for (long seed = 0; seed < 20; seed++) {
            var model = TableModel.random(v, 2f, seed);
            double best = Double.NEGATIVE_INFINITY;
            int[] bestTokens = null;
            for (int a = 0; a < v; a++) {
                for (int b = 0; b < v; b++) {
                    for (int c = 0; c < v; c++) {
                        double lp = logProbability(model, prompt, a, b, c);
                        if (lp > best) {
                            best = lp;
                            bestTokens = new int[] {a, b, c};
                        }
                    }
                }
            }
            List<BeamSearch.Beam> beams = new BeamSearch(model, v * v, 0).search(prompt, 3, -1);
            assertThat(beams.getFirst().tokens()).as("seed " + seed).containsExactly(bestTokens);
            assertThat(beams.getFirst().logProbability()).isCloseTo(best, within(1e-5));
            var greedy = new Generator(model).generate(prompt, GenerationSettings.of(3, SamplerSettings.greedy()), 0);
            assertThat(new BeamSearch(model, 1, 0).search(prompt, 3, -1).getFirst().tokens())
                    .as("width 1 is greedy").containsExactly(greedy.tokens());
        }
    }

    @Test
    void greedyIsSometimesWorseThanTheBeam() {
        int worse = 0;
        for (long seed = 0; seed < 50; seed++) {
            var model = TableModel.random(5, 2f, seed);
            int[] greedy = new BeamSearch(model, 1, 0).search(new int[] {0}, 3, -1).getFirst().tokens();
            int[] beam = new BeamSearch(model, 4, 0).search(new int[] {0}, 3, -1).getFirst().tokens();
            if (logProbability(model, new int[] {0}, beam) > logProbability(model, new int[] {0}, greedy) + 1e-9) {
                worse++;
            }
        }
        assertThat(worse).as("of 50 random models, greedy missed a more probable text in some").isPositive();
    }

    @Test
    void finishedBeamsAndTheLengthPenalty() {
        // after 0: end token 3 with high probability, or a long likely path 1 → 2 → 1 ...
        float[][] table = new float[4][4];
        table[0] = new float[] {-9f, 1f, -9f, 1.2f};
        table[1] = new float[] {-9f, -9f, 5f, -9f};
        table[2] = new float[] {-9f, 5f, -9f, -9f};
        table[3] = new float[] {0f, 0f, 0f, 0f};
        var model = new TableModel(table);
        var shortFirst = new BeamSearch(model, 2, 0).search(new int[] {0}, 4, 3);
        assertThat(shortFirst.getFirst().finished()).isTrue();
        assertThat(shortFirst.getFirst().tokens()).isEmpty();
        var longFirst = new BeamSearch(model, 2, 1).search(new int[] {0}, 4, 3);
        assertThat(longFirst.getFirst().tokens()).as("α = 1 ranks by the mean log-probability").containsExactly(1, 2, 1, 2);
    }

    @Test
    void badSettingsAreRefused() {
        var model = TableModel.random(3, 1f, 1);
        assertThatThrownBy(() -> new BeamSearch(model, 0, 0)).hasMessageContaining("width");
        assertThatThrownBy(() -> new BeamSearch(model, 2, -1)).hasMessageContaining("lengthPenalty");
        assertThatThrownBy(() -> new BeamSearch(model, 2, 0).search(new int[0], 3, -1)).hasMessageContaining("empty");
        assertThatThrownBy(() -> new BeamSearch(model, 2, 0).search(new int[] {1}, 0, -1)).hasMessageContaining("maxNewTokens");
    }
}
