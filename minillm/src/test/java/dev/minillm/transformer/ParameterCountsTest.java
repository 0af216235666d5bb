package dev.minillm.transformer;

import dev.minillm.transformer.GPTConfig.FeedForward;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParameterCountsTest {

    @Test
    void theBreakdownMatchesTheHandFormula() {
        var config = GPTConfig.nanogptBaby(65);
        long v = 65, t = 64, c = 128, l = 4;
        var counts = new GPT(config, 1).parameterCounts();
        assertThat(counts.embeddings()).isEqualTo(v * c + t * c);
        assertThat(counts.attention()).isEqualTo(l * (4 * c * c + 4 * c));          // qkv 3C²+3C, proj C²+C
        assertThat(counts.mlp()).isEqualTo(l * (8 * c * c + 5 * c));                // fc 4C²+4C, proj 4C²+C
        assertThat(counts.norms()).isEqualTo((2 * l + 1) * 2 * c);
        assertThat(counts.head()).isZero();
        assertThat(counts.total()).isEqualTo(v * c + t * c + l * (12 * c * c + 13 * c) + 2 * c).isEqualTo(809_856);
        assertThat(counts.total()).isEqualTo(new GPT(config, 1).parameterCount());
    }

    @Test
    void aLlamaStyleModelHasThreeMatricesPerMlpAndNoBiases() {
        var config = GPTConfig.tiny().llamaStyle();
        long c = 32, h = 88, l = 2;
        var counts = new GPT(config, 1).parameterCounts();
        assertThat(config.feedForward()).isEqualTo(FeedForward.SWIGLU);
        assertThat(counts.attention()).isEqualTo(l * 4 * c * c);
        assertThat(counts.mlp()).isEqualTo(l * 3 * c * h);
        assertThat(counts.norms()).isEqualTo((2 * l + 1) * c);
    }

    @Test
    void theTableListsEveryPartAndTheTotal() {
        var table = new GPT(GPTConfig.nanogptBaby(65), 1).parameterCounts().table();
        assertThat(table.stringColumn("part").asList())
                .containsExactly("embeddings", "attention", "MLP", "norms", "head (tied)", "total");
        assertThat(table.longColumn("parameters").get(5)).isEqualTo(809_856L);
        assertThat(table.stringColumn("share").get(5)).isEqualTo("100.0%");
    }
}
