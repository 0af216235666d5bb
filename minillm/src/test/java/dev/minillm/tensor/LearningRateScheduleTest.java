package dev.minillm.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LearningRateScheduleTest {

    private final LearningRateSchedule schedule = new LearningRateSchedule.WarmupCosine(1e-3f, 1e-4f, 10, 110);

    @Test
    void warmupRisesLinearlyToTheMaximum() {
        assertThat(schedule.at(0)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(schedule.at(4)).isCloseTo(5e-4f, within(1e-9f));
        assertThat(schedule.at(9)).isEqualTo(1e-3f);
    }

    @Test
    void cosineDecayFallsFromTheMaximumToTheMinimumAndStays() {
        assertThat(schedule.at(10)).isEqualTo(1e-3f);
        assertThat(schedule.at(60)).isCloseTo(5.5e-4f, within(1e-9f)); // halfway: the mean of max and min
        assertThat(schedule.at(110)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(schedule.at(1000)).isEqualTo(1e-4f);
        for (int step = 10; step < 110; step++) {
            assertThat(schedule.at(step + 1)).isLessThanOrEqualTo(schedule.at(step));
        }
    }

    @Test
    void constantIsConstantAndBadSettingsAreRefused() {
        assertThat(new LearningRateSchedule.Constant(0.1f).at(12345)).isEqualTo(0.1f);
        assertThat(new LearningRateSchedule.WarmupCosine(1, 0, 0, 0).at(0)).isZero();
        assertThatThrownBy(() -> new LearningRateSchedule.WarmupCosine(1e-4f, 1e-3f, 10, 100)).hasMessageContaining("minLr <= maxLr");
        assertThatThrownBy(() -> new LearningRateSchedule.WarmupCosine(1e-3f, 1e-4f, 10, 5)).hasMessageContaining("warmupSteps <= decaySteps");
    }

    @Test
    void chartsTheScheduleForNotebooks() {
        var chart = schedule.chart(150);
        assertThat(chart.getSeriesMap().get("learning rate").getXData()).hasSize(150);
        assertThat(chart.getTitle()).contains("WarmupCosine");
    }
}
