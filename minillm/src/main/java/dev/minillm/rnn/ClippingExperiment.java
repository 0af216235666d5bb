package dev.minillm.rnn;

import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.nn.TrainingHistory;
import dev.minillm.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The exploding-gradient experiment (梯度爆炸): a recurrent language model whose recurrent weights
 * start large is trained twice from the same weights on the same batches, once without and once
 * with gradient clipping (梯度裁剪). With SGD a step is proportional to the gradient, so a gradient
 * that is thousands of times too large throws the weights far away: the loss jumps, and often
 * becomes NaN (the trainer then stops). Clipping rescales such a gradient to a fixed norm, keeping
 * its direction, and training goes on.
 *
 * <pre>{@code
 * var data = TokenDataset.encode(Corpus.english(), tokenizer, 0.1);
 * var result = ClippingExperiment.run(data, ClippingExperiment.Config.defaults());
 * Plots.image(result.lossChart());
 * }</pre>
 */
public final class ClippingExperiment {

    /**
     * The experiment's settings.
     *
     * @param model the recurrent language model (its vocabulary must cover the data)
     * @param recurrentScale the factor applied to W_hh after initialisation (greater than 1: large recurrent weights)
     * @param training the training settings of the run without clipping (its gradClip is ignored)
     * @param clipNorm the gradient norm the clipped run clips to
     */
    public record Config(RnnLanguageModel.Config model, float recurrentScale, Trainer.Config training, float clipNorm) {

        /** Checks that the scale and the clipping norm are positive. */
        public Config {
            if (!(recurrentScale > 0f) || !(clipNorm > 0f)) {
                throw new IllegalArgumentException("ClippingExperiment.Config: recurrentScale and clipNorm must be "
                        + "positive, got " + recurrentScale + " and " + clipNorm);
            }
        }

        /**
         * A tanh RNN (embeddings 16, hidden 64) with W_hh scaled by 2.5, trained 300 steps with SGD
         * (momentum 0.9, learning rate 1 decaying to 0.1, no warmup) on 16 windows of 64 tokens; the
         * clipped run clips at norm 1. On the English corpus the unclipped loss jumps from about 4
         * to above 10 within the first 10 steps and never catches up with the clipped run.
         */
        public static Config defaults(int vocabSize) {
            return new Config(new RnnLanguageModel.Config(RecurrentCell.Kind.RNN, vocabSize, 16, 64, 0f), 2.5f,
                    Trainer.Config.quick().withMaxSteps(300).withBatchSize(16).withBlockSize(64)
                            .withOptimizer(Trainer.OptimizerKind.SGD).withLearningRate(1f).withWeightDecay(0f)
                            .withWarmupSteps(0).withEvaluation(50, 4),
                    1f);
        }
    }

    /**
     * Both runs.
     *
     * @param unclipped the run without clipping (it may have stopped early: {@link Trainer.Stop#DIVERGED})
     * @param clipped the run with clipping
     */
    public record Result(Trainer.Result unclipped, Trainer.Result clipped) {

        /** The training loss of both runs against the step. */
        public XYChart lossChart() {
            return chart("training loss with and without clipping", "cross-entropy (nats/token)",
                    TrainingHistory.Entry::trainLoss, false);
        }

        /** The gradient norm before clipping of both runs, on a log scale: the spikes are the explosions. */
        public XYChart gradNormChart() {
            return chart("gradient norm (before clipping)", "|g|", TrainingHistory.Entry::gradNorm, true);
        }

        /** Per step: {@code step}, {@code loss}, {@code grad norm} of the run without clipping, then of the run with it. */
        public Table table() {
            var step = IntColumn.create("step");
            var lossA = DoubleColumn.create("loss (no clipping)");
            var normA = DoubleColumn.create("grad norm (no clipping)");
            var lossB = DoubleColumn.create("loss (clipped)");
            var normB = DoubleColumn.create("grad norm (clipped)");
            List<TrainingHistory.Entry> a = training(unclipped), b = training(clipped);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                step.append(i < b.size() ? b.get(i).step() : a.get(i).step());
                append(lossA, i < a.size() ? a.get(i).trainLoss() : Double.NaN);
                append(normA, i < a.size() ? a.get(i).gradNorm() : Double.NaN);
                append(lossB, i < b.size() ? b.get(i).trainLoss() : Double.NaN);
                append(normB, i < b.size() ? b.get(i).gradNorm() : Double.NaN);
            }
            return Table.create("clipping", step, lossA, normA, lossB, normB);
        }

        private XYChart chart(String title, String yTitle, ToDoubleFunction<TrainingHistory.Entry> value, boolean log) {
            XYChart chart = new XYChartBuilder().width(720).height(400).title(title).xAxisTitle("step")
                    .yAxisTitle(yTitle).build();
            chart.getStyler().setYAxisLogarithmic(log);
            add(chart, "no clipping", training(unclipped), value);
            add(chart, "clipped", training(clipped), value);
            return chart;
        }

        private static void add(XYChart chart, String name, List<TrainingHistory.Entry> entries,
                                ToDoubleFunction<TrainingHistory.Entry> value) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (TrainingHistory.Entry e : entries) {
                double v = value.applyAsDouble(e);
                if (Double.isFinite(v) && v > 0) {
                    x.add((double) e.step());
                    y.add(v);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
            }
        }

        private static List<TrainingHistory.Entry> training(Trainer.Result result) {
            return result.history().entries().stream().filter(e -> !Double.isNaN(e.trainLoss())
                    || !Double.isNaN(e.gradNorm())).toList();
        }

        private static void append(DoubleColumn column, double value) {
            if (Double.isNaN(value)) {
                column.appendMissing();
            } else {
                column.append(value);
            }
        }
    }

    private ClippingExperiment() {}

    /** Trains the two runs on {@code data}; both models start from the same weights (seed {@code training.seed()}). */
    public static Result run(TokenDataset data, Config config) {
        Trainer.Config training = config.training().withRestoreBest(false);
        Trainer.Result unclipped = new Trainer(model(config), data, training.withGradClip(0f)).fit();
        Trainer.Result clipped = new Trainer(model(config), data, training.withGradClip(config.clipNorm())).fit();
        return new Result(unclipped, clipped);
    }

    /** A fresh model with its recurrent weights multiplied by the scale. */
    static RnnLanguageModel model(Config config) {
        var model = new RnnLanguageModel(config.model(), config.training().seed());
        Tensor weight = model.rnn().cell().recurrent().weight();
        float[] values = weight.data();
        for (int i = 0; i < values.length; i++) {
            values[i] *= config.recurrentScale();
        }
        return model;
    }
}
