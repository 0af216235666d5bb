package dev.minillm.ngram;

import dev.minillm.common.Corpus;
import dev.minillm.common.Progress;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chapter's experiment: models of order 1..n with each estimate, trained on one part of a
 * corpus and scored by perplexity on the other. It shows sparsity at work: the longer the
 * context, the lower the training perplexity, and the more held-out n-grams were never seen.
 */
public final class PerplexityByOrder {

    /** One model's scores. */
    public record Row(int order, String smoothing, double trainPerplexity, double validationPerplexity) {}

    private PerplexityByOrder() {}

    /** The estimates the chapter compares, for a model of the given order. */
    public static List<Smoothing> estimates(int order) {
        return List.of(new Smoothing.Mle(), new Smoothing.AddK(1), new Smoothing.AddK(0.01),
                Smoothing.Interpolation.favouringLongContexts(order), new Smoothing.KneserNey());
    }

    /** Counts the training part once (up to {@code maxOrder}) and scores every order and estimate. */
    public static List<Row> run(Corpus.Split split, Level level, int maxOrder) {
        var full = NgramModel.train(split.train(), level, maxOrder, new Smoothing.Mle());
        List<Row> rows = new ArrayList<>();
        try (var progress = Progress.start("perplexity", (long) maxOrder * estimates(1).size())) {
            for (int order = 1; order <= maxOrder; order++) {
                for (Smoothing smoothing : estimates(order)) {
                    var model = full.with(order, smoothing);
                    rows.add(new Row(order, smoothing.label(), model.perplexity(split.train()),
                            model.perplexity(split.validation())));
                    progress.step();
                }
            }
        }
        return rows;
    }

    /** Validation perplexity, one row per order and one column per estimate, plus MLE's training perplexity. */
    public static Table table(List<Row> rows) {
        Map<String, DoubleColumn> columns = new LinkedHashMap<>();
        IntColumn order = IntColumn.create("n");
        DoubleColumn train = DoubleColumn.create("train (MLE)");
        for (Row row : rows) {
            if (!order.contains(row.order())) {
                order.append(row.order());
            }
            if (row.smoothing().equals("MLE")) {
                train.append(row.trainPerplexity());
            }
            columns.computeIfAbsent(row.smoothing(), DoubleColumn::create).append(row.validationPerplexity());
        }
        Table table = Table.create("Validation perplexity by order").addColumns(order, train);
        columns.values().forEach(table::addColumns);
        for (int i = 1; i < table.columnCount(); i++) {
            ((DoubleColumn) table.column(i)).setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        }
        return table;
    }

    /** Validation perplexity against order, one line per estimate, (infinite values left out). */
    public static XYChart chart(List<Row> rows) {
        XYChart chart = new XYChartBuilder().width(720).height(420)
                .title("Perplexity on held-out text").xAxisTitle("order n").yAxisTitle("perplexity").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        Map<String, List<Row>> bySmoothing = new LinkedHashMap<>();
        rows.forEach(r -> bySmoothing.computeIfAbsent(r.smoothing(), s -> new ArrayList<>()).add(r));
        List<Row> mle = bySmoothing.get("MLE");
        if (mle != null) {
            chart.addSeries("MLE on training text", mle.stream().mapToDouble(Row::order).toArray(),
                    mle.stream().mapToDouble(Row::trainPerplexity).toArray()).setMarker(SeriesMarkers.NONE);
        }
        bySmoothing.forEach((name, series) -> {
            var finite = series.stream().filter(r -> Double.isFinite(r.validationPerplexity())).toList();
            if (!finite.isEmpty()) {
                chart.addSeries(name, finite.stream().mapToDouble(Row::order).toArray(),
                        finite.stream().mapToDouble(Row::validationPerplexity).toArray());
            }
        });
        return chart;
    }
}
