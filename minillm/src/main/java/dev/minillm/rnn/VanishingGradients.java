package dev.minillm.rnn;

import dev.minillm.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.SplittableRandom;

/**
 * The vanishing-gradient experiment (梯度消失): how much does the last hidden state of a long
 * sequence depend on each input? Backpropagate a loss on h_T and measure the gradient norm
 * |∂L/∂x_t| at every step t. Through a plain RNN it falls exponentially with the distance T - t, so
 * the network cannot learn from what it read long ago; the LSTM's additive cell state (and the
 * GRU's interpolation) let it travel much further.
 *
 * <pre>{@code
 * Table norms = VanishingGradients.measure(VanishingGradients.Config.defaults());
 * Plots.image(VanishingGradients.chart(norms));
 * }</pre>
 */
public final class VanishingGradients {

    /**
     * The experiment's sizes.
     *
     * @param inputSize I, features per input vector (random N(0, 1) inputs)
     * @param hiddenSize H
     * @param length T, the sequence length
     * @param batchSize sequences averaged over
     * @param forgetBias the LSTM's forget-gate bias (0 as in PyTorch; 1 is the common trick)
     * @param seed weights and inputs
     */
    public record Config(int inputSize, int hiddenSize, int length, int batchSize, float forgetBias, long seed) {

        /** Checks that the sizes are positive. */
        public Config {
            if (inputSize < 1 || hiddenSize < 1 || length < 1 || batchSize < 1) {
                throw new IllegalArgumentException("VanishingGradients.Config: sizes must be positive, got " + this);
            }
        }

        /** 16 inputs, hidden size 64, 100 steps, 8 sequences, forget bias 1. */
        public static Config defaults() {
            return new Config(16, 64, 100, 8, 1f, 42);
        }

        /** With another sequence length. */
        public Config withLength(int length) {
            return new Config(inputSize, hiddenSize, length, batchSize, forgetBias, seed);
        }
    }

    private VanishingGradients() {}

    /**
     * |∂L/∂x_t| for t = 0 .. T-1, the mean over the batch of each sequence's gradient norm, where
     * L = Σ h_T ⊙ r for a fixed random r (so no direction of h_T is favoured).
     *
     * @param inputs (B, T, I) the sequences, fed from a zero state
     */
    public static double[] inputGradientNorms(RecurrentLayer layer, Tensor inputs, long seed) {
        Tensor x = Tensor.of(inputs.toArray(), inputs.shape()).requiresGrad(true); // a fresh leaf to collect ∂L/∂x
        int batch = x.shape(0), time = x.shape(1), features = x.shape(2);
        Tensor last = layer.forward(x, null).last().h();                             // (B, H)
        Tensor r = Tensor.randn(seed, last.shape());
        last.mul(r).sum().backward();
        float[] grad = x.grad().toArray();                                           // (B, T, I)
        double[] norms = new double[time];
        for (int t = 0; t < time; t++) {
            for (int b = 0; b < batch; b++) {
                double squares = 0;
                for (int i = 0; i < features; i++) {
                    double g = grad[(b * time + t) * features + i];
                    squares += g * g;
                }
                norms[t] += Math.sqrt(squares) / batch;
            }
        }
        return norms;
    }

    /**
     * The gradient norms for a fresh RNN, LSTM and GRU on the same random inputs: columns
     * {@code step} (t), {@code steps back} (T-1-t), {@code RNN}, {@code LSTM}, {@code GRU}.
     */
    public static Table measure(Config config) {
        Tensor inputs = Tensor.randn(config.seed(), config.batchSize(), config.length(), config.inputSize());
        var step = IntColumn.create("step");
        var back = IntColumn.create("steps back");
        for (int t = 0; t < config.length(); t++) {
            step.append(t);
            back.append(config.length() - 1 - t);
        }
        Table table = Table.create("input gradient norm", step, back);
        for (RecurrentCell.Kind kind : RecurrentCell.Kind.values()) {
            RecurrentCell cell = kind.create(config.inputSize(), config.hiddenSize(), new SplittableRandom(config.seed()));
            if (cell instanceof LstmCell lstm) {
                lstm.forgetBias(config.forgetBias());
            }
            table.addColumns(DoubleColumn.create(kind.name(),
                    inputGradientNorms(new RecurrentLayer(cell), inputs, config.seed() + 1)));
        }
        return table;
    }

    /**
     * log₁₀ of the norms against the distance from the end: a straight line means exponential
     * decay, and its slope the factor lost per step (-1: ten times smaller at every step back).
     */
    public static XYChart chart(Table norms) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title("gradient reaching each input")
                .xAxisTitle("steps back from the end (T - 1 - t)").yAxisTitle("log₁₀ |∂L/∂x_t|").build();
        double[] x = norms.intColumn("steps back").asDoubleArray();
        for (RecurrentCell.Kind kind : RecurrentCell.Kind.values()) {
            double[] y = norms.doubleColumn(kind.name()).asDoubleArray();
            // from the end backwards, until a gradient underflows to 0 (which has no logarithm)
            double[] xs = new double[y.length], ys = new double[y.length];
            int count = 0;
            for (int t = y.length - 1; t >= 0 && y[t] > 0; t--) {
                xs[count] = x[t];
                ys[count++] = Math.log10(y[t]);
            }
            if (count > 0) {
                chart.addSeries(kind.name(), java.util.Arrays.copyOf(xs, count), java.util.Arrays.copyOf(ys, count))
                        .setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }
}
