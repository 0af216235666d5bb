package dev.minillm.position;

import dev.minillm.nn.Trainer;
import dev.minillm.transformer.GPTConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extrapolation experiment on a reduced budget (150 steps, evaluated at 64 and 512), checking
 * the ordering the chapter's text claims: RoPE is best at the training length, ALiBi's loss grows
 * least from 64 to 512, sinusoidal and RoPE get worse past the training length, and a learned
 * table has no loss past it.
 */
class PositionExperimentTest {

    static final PositionExperiment.Result RESULT = new PositionExperiment(
            new GPTConfig(1, 64, 2, 4, 64, 0f, false, GPTConfig.Norm.LAYER_NORM, GPTConfig.FeedForward.GELU),
            Trainer.Config.quick().withMaxSteps(150).withBatchSize(16).withLearningRate(3e-3f, 3e-4f)
                    .withEvaluation(150, 1).withSeed(1337),
            64, new int[] {64, 512}, 2, 8, 42).run();

    static double growth(String scheme) {
        var row = RESULT.row(scheme);
        return row.loss(1) - row.loss(0);
    }

    @Test
    void learnedTableHasNoLossPastTheTrainingLength() {
        assertThat(RESULT.row("learned").loss(0)).isBetween(1.0, 4.0);
        assertThat(RESULT.row("learned").loss(1)).isNaN();
        assertThat(RESULT.format()).contains("n/a");
    }

    @Test
    void ropeIsBestAtTheTrainingLength() {
        double rope = RESULT.row("rope").loss(0);
        for (String other : List.of("none", "sinusoidal", "learned", "alibi")) {
            assertThat(rope).as("rope vs " + other + " at 64\n" + RESULT.format()).isLessThan(RESULT.row(other).loss(0));
        }
    }

    @Test
    void alibiDegradesLeastAndSinusoidalAndRopeDegrade() {
        for (String other : List.of("none", "sinusoidal", "rope")) {
            assertThat(growth("alibi")).as("alibi vs " + other + "\n" + RESULT.format()).isLessThan(growth(other));
        }
        assertThat(growth("sinusoidal")).as("sinusoidal\n" + RESULT.format()).isGreaterThan(0.05);
        assertThat(growth("rope")).as("rope\n" + RESULT.format()).isGreaterThan(0.05);
    }

    @Test
    void tableAndChartHaveARowPerScheme() {
        assertThat(RESULT.table().rowCount()).isEqualTo(5);
        assertThat(RESULT.chart().getSeriesMap()).containsOnlyKeys("none", "sinusoidal", "learned", "rope", "alibi");
    }
}
