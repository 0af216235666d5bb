package dev.minillm.position;

import dev.minillm.common.Corpus;
import dev.minillm.common.Progress;
import dev.minillm.nn.BatchSampler;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tensor.Autograd;
import dev.minillm.tokenize.CharTokenizer;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import dev.minillm.transformer.PositionScheme;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Length extrapolation (长度外推): train the same small character GPT once per position scheme on
 * windows of {@code trainLength} characters of {@link Corpus#english()}, with the same data,
 * steps and seeds, then measure the validation loss on windows of each evaluation length.
 * Only the scheme differs.
 *
 * <p>To read a longer window the trained weights are copied into a model of the same sizes with a
 * longer blockSize. That works for every scheme that has no table; a learned table has no rows for
 * the new positions, so the copy fails and its loss is n/a (NaN) past the training length.
 *
 * @param model the sizes of the GPT (vocabulary and blockSize are set here)
 * @param training steps, batch size and learning rate (its blockSize is set to trainLength)
 * @param trainLength the context the models are trained on
 * @param evalLengths the contexts measured
 * @param evalBatches validation batches per length, the same windows for every scheme
 * @param evalBatchSize rows per validation batch
 * @param seed the seed of the initial weights (the same for every scheme)
 */
public record PositionExperiment(GPTConfig model, Trainer.Config training, int trainLength, int[] evalLengths,
                                 int evalBatches, int evalBatchSize, long seed) {

    /** Validation windows have their own seed. */
    private static final long EVAL_SEED = 8;

    /** Checks the lengths. */
    public PositionExperiment {
        if (trainLength < 1 || evalLengths.length == 0 || evalBatches < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("PositionExperiment: need trainLength, evalBatches, evalBatchSize >= 1 "
                    + "and at least one evaluation length");
        }
        evalLengths = evalLengths.clone();
    }

    /**
     * The notebook's and the reading's size (about a minute on 2 cores): 2 layers, 4 heads, C = 64,
     * 400 steps of 16 windows of 64 characters, evaluated at 64, 128, 256 and 512 on 4 batches of 8.
     */
    public static PositionExperiment quick() {
        var model = new GPTConfig(1, 64, 2, 4, 64, 0f, false, GPTConfig.Norm.LAYER_NORM, GPTConfig.FeedForward.GELU);
        var training = Trainer.Config.quick().withMaxSteps(400).withBatchSize(16).withLearningRate(3e-3f, 3e-4f)
                .withEvaluation(400, 2).withSeed(1337);
        return new PositionExperiment(model, training, 64, new int[] {64, 128, 256, 512}, 4, 8, 42);
    }

    /**
     * {@code bin/minillm positions}: 4 layers, 4 heads, C = 128, 1000 steps of 16 windows at 3e-3,
     * evaluated on 16 batches of 8 (some minutes per scheme on 2 cores).
     */
    public static PositionExperiment full() {
        var model = new GPTConfig(1, 64, 4, 4, 128, 0f, false, GPTConfig.Norm.LAYER_NORM, GPTConfig.FeedForward.GELU);
        var training = Trainer.Config.quick().withMaxSteps(1000).withBatchSize(16).withLearningRate(3e-3f, 3e-4f)
                .withWarmupSteps(50).withEvaluation(1000, 4).withSeed(1337);
        return new PositionExperiment(model, training, 64, new int[] {64, 128, 256, 512}, 16, 8, 42);
    }

    /** This experiment with another number of training steps. */
    public PositionExperiment withSteps(int steps) {
        return new PositionExperiment(model, training.withMaxSteps(steps).withEvaluation(Math.max(1, steps),
                training.evalBatches()), trainLength, evalLengths, evalBatches, evalBatchSize, seed);
    }

    /** One scheme's validation losses (nats per character) at each evaluation length; NaN where it cannot run. */
    public record Row(String scheme, double[] losses) {
        /** Copies the losses. */
        public Row {
            losses = losses.clone();
        }

        @Override
        public double[] losses() {
            return losses.clone();
        }

        /** The loss at evaluation length index i. */
        public double loss(int i) {
            return losses[i];
        }
    }

    /**
     * The measured losses.
     *
     * @param trainLength the training context
     * @param lengths the evaluation contexts
     * @param rows one row per scheme, in the order run
     */
    public record Result(int trainLength, int[] lengths, List<Row> rows) {

        /** The row of a scheme. */
        public Row row(String scheme) {
            return rows.stream().filter(r -> r.scheme().equals(scheme)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no row for scheme '" + scheme + "'"));
        }

        /** scheme | loss@64 | loss@128 | ...: a Tablesaw table (NaN shows as empty). */
        public Table table() {
            var table = Table.create("validation loss by evaluation length (trained at " + trainLength + ")",
                    StringColumn.create("scheme", rows.stream().map(Row::scheme).toList()));
            for (int i = 0; i < lengths.length; i++) {
                int index = i;
                table.addColumns(DoubleColumn.create("T=" + lengths[i],
                        rows.stream().mapToDouble(r -> r.loss(index)).toArray()));
            }
            return table;
        }

        /** The table as aligned text with two decimals and "n/a" where a scheme cannot run. */
        public String format() {
            var out = new StringBuilder(String.format(Locale.ROOT, "%-11s", "scheme"));
            for (int length : lengths) {
                out.append(String.format(Locale.ROOT, "%8s", "T=" + length));
            }
            for (Row row : rows) {
                out.append('\n').append(String.format(Locale.ROOT, "%-11s", row.scheme()));
                for (double loss : row.losses) {
                    out.append(Double.isNaN(loss) ? String.format(Locale.ROOT, "%8s", "n/a")
                            : String.format(Locale.ROOT, "%8.2f", loss));
                }
            }
            return out.toString();
        }

        /** Loss against evaluation length, one line per scheme (a learned table's line stops at the training length). */
        public XYChart chart() {
            XYChart chart = new XYChartBuilder().width(720).height(450)
                    .title("Extrapolation: trained at " + trainLength + " characters")
                    .xAxisTitle("evaluation length (characters)").yAxisTitle("validation loss (nats/char)").build();
            chart.getStyler().setXAxisDecimalPattern("0");
            for (Row row : rows) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>();
                for (int i = 0; i < lengths.length; i++) {
                    if (!Double.isNaN(row.loss(i))) {
                        x.add((double) lengths[i]);
                        y.add(row.loss(i));
                    }
                }
                chart.addSeries(row.scheme(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
            return chart;
        }
    }

    /** Runs all five schemes of {@link Positions#all()}. */
    public Result run() {
        return run(Positions.all());
    }

    /** Trains and evaluates one model per scheme, on the same data and budget. */
    public Result run(List<PositionScheme> schemes) {
        Corpus corpus = Corpus.english();
        var tokenizer = CharTokenizer.train(corpus.text());
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        int longest = Arrays.stream(evalLengths).max().orElseThrow();
        List<Row> rows = new ArrayList<>();
        try (var progress = Progress.start("positions", schemes.size())) {
            for (PositionScheme scheme : schemes) {
                var config = model.withVocabSize(tokenizer.vocabSize()).withBlockSize(trainLength).withPositions(scheme);
                var trained = new GPT(config, seed);
                new Trainer(trained, data, training.withBlockSize(trainLength)).fit().orThrow();
                rows.add(new Row(scheme.name(), evaluate(trained, config.withBlockSize(longest), data.validation())));
                progress.step();
            }
        }
        return new Result(trainLength, evalLengths.clone(), List.copyOf(rows));
    }

    /** The trained weights in a model with room for the longest window, evaluated at every length (NaN where they do not fit). */
    private double[] evaluate(GPT trained, GPTConfig longer, int[] validation) {
        GPT wide = new GPT(longer, seed);
        boolean fits;
        try {
            wide.loadStateDict(trained.stateDict());
            fits = true;
        } catch (IllegalArgumentException tableTooShort) { // a learned table of trainLength rows
            fits = false;
        }
        double[] losses = new double[evalLengths.length];
        for (int i = 0; i < evalLengths.length; i++) {
            int length = evalLengths[i];
            GPT model = length <= trainLength ? trained : fits ? wide : null;
            losses[i] = model == null ? Double.NaN : loss(model, validation, length);
        }
        return losses;
    }

    /** The mean validation loss over evalBatches batches of evalBatchSize windows of {@code length} characters. */
    public double loss(GPT model, int[] validation, int length) {
        var windows = new BatchSampler.RandomWindows(validation, evalBatchSize, length, EVAL_SEED);
        model.eval();
        double total = 0;
        try (var _ = Autograd.noGrad()) {
            for (int b = 0; b < evalBatches; b++) {
                total += model.loss(windows.batch(b)).item();
            }
        }
        return total / evalBatches;
    }
}
