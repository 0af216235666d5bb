package dev.minillm.nn;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What happened during training, step by step: the training loss of each step's batch, the
 * validation loss at each evaluation, the learning rate, the gradient norm before clipping and
 * the training time so far. Losses are mean cross-entropies in nats per token.
 */
public final class TrainingHistory {

    /**
     * One step. Numbers that were not measured at this step are NaN (the validation loss between
     * evaluations; the training numbers at the final evaluation, after the last update).
     *
     * @param step the number of updates made before this step's batch (0 for the first)
     * @param trainLoss the loss of this step's training batch, before the update
     * @param validationLoss the mean loss over the validation batches, with the weights after {@code step} updates
     * @param learningRate the learning rate of this step's update
     * @param gradNorm the global L2 norm of the gradients, before clipping
     * @param seconds the training time (without evaluations) up to the end of this step
     */
    public record Entry(int step, double trainLoss, double validationLoss, double learningRate, double gradNorm,
                        double seconds) {}

    private final TreeMap<Integer, Entry> entries = new TreeMap<>();

    /** An empty history. */
    public TrainingHistory() {}

    void addTraining(int step, double loss, double learningRate, double gradNorm, double seconds) {
        Entry old = entries.get(step);
        entries.put(step, new Entry(step, loss, old == null ? Double.NaN : old.validationLoss(), learningRate, gradNorm,
                seconds));
    }

    void addValidation(int step, double loss) {
        Entry old = entries.get(step);
        entries.put(step, old == null ? new Entry(step, Double.NaN, loss, Double.NaN, Double.NaN, Double.NaN)
                : new Entry(step, old.trainLoss(), loss, old.learningRate(), old.gradNorm(), old.seconds()));
    }

    /** Drops everything at or after {@code step} (a resumed run replays those steps). */
    void truncate(int step) {
        entries.tailMap(step, true).clear();
    }

    void add(Entry entry) {
        entries.put(entry.step(), entry);
    }

    /** Every step, in order. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The validation loss of the latest evaluation, if there was one. */
    public OptionalDouble lastValidationLoss() {
        for (Map.Entry<Integer, Entry> e : entries.descendingMap().entrySet()) {
            if (!Double.isNaN(e.getValue().validationLoss())) {
                return OptionalDouble.of(e.getValue().validationLoss());
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * One row per step: {@code step}, {@code train loss}, {@code validation loss},
     * {@code learning rate}, {@code grad norm}, {@code seconds}; unmeasured numbers are missing.
     */
    public Table table() {
        var step = IntColumn.create("step");
        var train = DoubleColumn.create("train loss");
        var validation = DoubleColumn.create("validation loss");
        var rate = DoubleColumn.create("learning rate");
        var norm = DoubleColumn.create("grad norm");
        var seconds = DoubleColumn.create("seconds");
        for (Entry e : entries.values()) {
            step.append(e.step());
            appendOrMissing(train, e.trainLoss());
            appendOrMissing(validation, e.validationLoss());
            appendOrMissing(rate, e.learningRate());
            appendOrMissing(norm, e.gradNorm());
            appendOrMissing(seconds, e.seconds());
        }
        return Table.create("training history", step, train, validation, rate, norm, seconds);
    }

    private static void appendOrMissing(DoubleColumn column, double value) {
        if (Double.isNaN(value)) {
            column.appendMissing();
        } else {
            column.append(value);
        }
    }

    /** The training and validation loss against the step. */
    public XYChart chart() {
        return chart("loss");
    }

    /** The training and validation loss against the step, with a title. */
    public XYChart chart(String title) {
        XYChart chart = new XYChartBuilder().width(720).height(400).title(title)
                .xAxisTitle("step").yAxisTitle("cross-entropy (nats/token)").build();
        addSeries(chart, "train", Entry::trainLoss, false);
        addSeries(chart, "validation", Entry::validationLoss, true);
        return chart;
    }

    /** Adds one column as a line, skipping the steps where it was not measured; nothing when it is empty. */
    void addSeries(XYChart chart, String name, java.util.function.ToDoubleFunction<Entry> value, boolean markers) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (Entry e : entries.values()) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                x.add((double) e.step());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            XYSeries series = chart.addSeries(name, x, y);
            series.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
    }
}
