package dev.minillm.ngram;

import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the claims chapter 1 makes about its experiment, on the bundled English corpus. */
class PerplexityByOrderTest {

    @Test
    void longerContextsFitTrainingTextBetterButNeedSmoothingOnNewText() {
        var rows = PerplexityByOrder.run(Corpus.english().split(10), Level.CHAR, 5);
        assertThat(rows).hasSize(5 * 5);
        double previousTrain = Double.MAX_VALUE;
        for (var row : rows) {
            if (row.smoothing().equals("MLE")) {
                assertThat(row.trainPerplexity()).as("training perplexity falls with n").isLessThan(previousTrain);
                previousTrain = row.trainPerplexity();
                assertThat(row.validationPerplexity()).as("MLE meets unseen n-grams for n=%d", row.order())
                        .isEqualTo(row.order() == 1 ? row.validationPerplexity() : Double.POSITIVE_INFINITY);
            }
        }
        double kneserNey5 = value(rows, 5, "Kneser-Ney");
        assertThat(kneserNey5).as("Kneser-Ney at n=5 beats add-1 and interpolation").isLessThan(value(rows, 5, "add-1"))
                .isLessThan(value(rows, 5, "interpolated"));
        assertThat(kneserNey5).as("and beats itself at n=2").isLessThan(value(rows, 2, "Kneser-Ney"));

        var table = PerplexityByOrder.table(rows);
        assertThat(table.columnNames()).containsExactly("n", "train (MLE)", "MLE", "add-1", "add-0.01", "interpolated", "Kneser-Ney");
        assertThat(table.rowCount()).isEqualTo(5);
        assertThat(Plots.image(PerplexityByOrder.chart(rows)).getWidth()).isEqualTo(720);
    }

    private static double value(java.util.List<PerplexityByOrder.Row> rows, int order, String smoothing) {
        return rows.stream().filter(r -> r.order() == order && r.smoothing().equals(smoothing))
                .findFirst().orElseThrow().validationPerplexity();
    }
}
