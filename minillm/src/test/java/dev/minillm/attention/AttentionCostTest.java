package dev.minillm.attention;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Counts are checked exactly; timings only for being there and positive, never for their values. */
class AttentionCostTest {

    @Test
    void countsFlopsAndMemory() {
        var e = AttentionCost.estimate(4, 8, 2);
        assertThat(e.projectionFlops()).isEqualTo(8 * 4 * 8 * 8);  // 2 FLOPs × (3 + 1) projections × T·d·d
        assertThat(e.attentionFlops()).isEqualTo(4 * 4 * 4 * 8);   // 2 FLOPs × (Q·Kᵀ and P·V) × T·T·d
        assertThat(e.causalFlops()).isEqualTo(2 * 4 * 5 * 8);     // only the T(T+1)/2 visible scores
        assertThat(e.scoreBytes()).isEqualTo(2 * 4 * 4 * 4);      // one float T×T matrix per head
        assertThat(e.composedBytes()).isEqualTo(4 * e.scoreBytes());
        assertThat(e.fusedBytes()).isEqualTo(2 * 10 * 4);
        // attention overtakes the projections at T = 2d
        assertThat(AttentionCost.estimate(128, 64, 1).attentionShare()).isCloseTo(0.5, within(1e-12));
        assertThatThrownBy(() -> AttentionCost.estimate(4, 10, 3)).hasMessageContaining("dim divisible by heads");
    }

    @Test
    void costTableAndChart() {
        var table = AttentionCost.costTable(64, 4, 64, 128, 256);
        assertThat(table.rowCount()).isEqualTo(3);
        assertThat(table.columnNames()).contains("T", "projections MFLOP", "attention MFLOP", "attention %");
        assertThat(table.doubleColumn("attention %").get(1)).isCloseTo(50, within(1e-9));
        var chart = AttentionCost.costChart(64, 4, 64, 128, 256);
        assertThat(chart.getSeriesMap()).containsOnlyKeys("projections 8·T·d²", "attention 4·T²·d", "causal part 2·T(T+1)·d");
    }

    @Test
    void timesBothKernelsAndReportsThem() {
        var timing = AttentionCost.time(1, 2, 8, 16, 0);
        assertThat(List.of(timing.composedForward(), timing.fusedForward(), timing.composedTraining(), timing.fusedTraining()))
                .allSatisfy(seconds -> assertThat(seconds).isPositive());
        var table = AttentionCost.timingTable(List.of(timing));
        assertThat(table.rowCount()).isEqualTo(1);
        assertThat(table.columnNames()).contains("composed fwd", "fused fwd", "fwd speed-up", "fused fwd+bwd");
        assertThat(AttentionCost.timingChart(List.of(timing)).getSeriesMap()).containsKeys("composed forward",
                "fused forward", "∝ T²");
    }
}
