package dev.minillm.generate;

import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeculativeDecodingTest {

    @Test
    void greedySpeculationGivesExactlyTheTargetsGreedyText() {
        var target = new GptModel(new GPT(GPTConfig.tiny(), 1));
        var draft = new GptModel(new GPT(new GPTConfig(50, 16, 1, 2, 16, 0f, true, GPTConfig.Norm.LAYER_NORM, GPTConfig.FeedForward.GELU), 2));
        int[] prompt = {5, 9, 5, 9, 5};
        int[] greedy = new Generator(target).generate(prompt, GenerationSettings.of(24, SamplerSettings.greedy()), 0).tokens();
        for (int gamma : new int[] {1, 3, 5}) {
            var viaDraft = new SpeculativeDecoding(target, Drafter.model(draft), gamma)
                    .generate(prompt, 24, SamplerSettings.greedy(), 7);
            assertThat(viaDraft.tokens()).as("draft model, γ = " + gamma).containsExactly(greedy);
            assertThat(viaDraft.targetCalls()).isLessThanOrEqualTo(24);
            var viaLookup = new SpeculativeDecoding(target, Drafter.promptLookup(3), gamma)
                    .generate(prompt, 24, SamplerSettings.greedy(), 7);
            assertThat(viaLookup.tokens()).as("prompt lookup, γ = " + gamma).containsExactly(greedy);
            assertThat(viaLookup.draftCalls()).isZero();
        }
    }

    @Test
    void sampledTokensHaveExactlyTheTargetsDistribution() {
        var target = TableModel.random(6, 1.5f, 11);
        var draft = TableModel.random(6, 1.5f, 12);            // a poor draft: many rejections
        var settings = SamplerSettings.temperature(1f);
        int runs = 30_000;
        int[][] counts = new int[3][6];                          // tokens 1, 2 and 3 of each run
        double accepted = 0;
        for (int seed = 0; seed < runs; seed++) {
            var result = new SpeculativeDecoding(target, Drafter.model(draft), 2).generate(new int[] {0}, 3, settings, seed);
            for (int i = 0; i < 3; i++) {
                counts[i][result.tokens()[i]]++;
            }
            accepted += result.acceptanceRate();
        }
        // exact marginals of the target alone: p1 = p(·|0), p2 = Σ p1(a) p(·|a), p3 likewise
        double[] marginal = new double[6];
        marginal[0] = 1;
        for (int i = 0; i < 3; i++) {
            double[] next = new double[6];
            for (int a = 0; a < 6; a++) {
                float[] p = Sampler.softmax(target.logits[a], 1f);
                for (int b = 0; b < 6; b++) {
                    next[b] += marginal[a] * p[b];
                }
            }
            marginal = next;
            for (int b = 0; b < 6; b++) {
                double sigma = Math.sqrt(marginal[b] * (1 - marginal[b]) / runs);
                assertThat(counts[i][b] / (double) runs).as("token %d = %d", i + 1, b).isCloseTo(marginal[b], within(5 * sigma));
            }
        }
        assertThat(accepted / runs).as("the draft differs, so some guesses are rejected").isBetween(0.2, 0.9);
    }

    @Test
    void aPerfectDraftIsAlwaysAcceptedAndSavesTargetCalls() {
        var target = TableModel.random(8, 2f, 3);
        var result = new SpeculativeDecoding(target, Drafter.model(target), 4)
                .generate(new int[] {1}, 20, SamplerSettings.temperature(1f), 5);
        assertThat(result.acceptanceRate()).isEqualTo(1.0);
        assertThat(result.targetCalls()).as("5 new tokens per call: 4 guesses and the bonus").isEqualTo(4);
        assertThat(result.tokensPerTargetCall()).isEqualTo(5.0);
        assertThat(result.tokens()).hasSize(20);
    }

    @Test
    void promptLookupCopiesWhatFollowedTheLastMatch() {
        int[] text = {1, 2, 3, 4, 9, 9, 1, 2, 3, 7, 1, 2, 3};
        assertThat(Drafter.PromptLookup.lookup(text, 3, 2)).as("the latest earlier '1 2 3' is followed by 7, 1")
                .containsExactly(7, 1);
        assertThat(Drafter.PromptLookup.lookup(new int[] {5, 6, 7}, 3, 4)).isEmpty();
        assertThat(Drafter.PromptLookup.lookup(new int[] {5, 6, 5}, 3, 4)).as("falls back to shorter n-grams")
                .containsExactly(6, 5);
    }

    @Test
    void badSettingsAreRefused() {
        var target = TableModel.random(4, 1f, 1);
        assertThatThrownBy(() -> new SpeculativeDecoding(target, Drafter.promptLookup(2), 0)).hasMessageContaining("gamma");
        assertThatThrownBy(() -> new SpeculativeDecoding(target, Drafter.model(TableModel.random(5, 1f, 1)), 2))
                .hasMessageContaining("same tokenizer");
        assertThatThrownBy(() -> Drafter.promptLookup(0)).hasMessageContaining("maxNgram");
        assertThatThrownBy(() -> new SpeculativeDecoding(target, Drafter.promptLookup(2), 2)
                .generate(new int[0], 3, SamplerSettings.greedy(), 0)).hasMessageContaining("prompt is empty");
    }
}
