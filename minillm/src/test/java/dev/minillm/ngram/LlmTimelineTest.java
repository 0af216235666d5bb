package dev.minillm.ngram;

import dev.minillm.common.Plots;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LlmTimelineTest {

    @Test
    void timelineIsInOrderAndSizesArePositive() {
        var milestones = LlmTimeline.milestones();
        assertThat(milestones).isSortedAccordingTo(java.util.Comparator.comparingInt(LlmTimeline.Milestone::year));
        assertThat(milestones).filteredOn(m -> m.parametersBillions() != null)
                .allSatisfy(m -> assertThat(m.parametersBillions()).isPositive());
        assertThat(milestones).anySatisfy(m -> {
            assertThat(m.model()).isEqualTo("GPT-3");
            assertThat(m.parametersBillions()).isEqualTo(175.0);
        });
    }

    @Test
    void tableAndChartShowEveryMilestone() {
        var table = LlmTimeline.table();
        assertThat(table.rowCount()).isEqualTo(LlmTimeline.milestones().size());
        assertThat(table.column("parameters (B)").countMissing()).isPositive();
        assertThat(Plots.image(LlmTimeline.chart()).getHeight()).isEqualTo(480);
    }
}
