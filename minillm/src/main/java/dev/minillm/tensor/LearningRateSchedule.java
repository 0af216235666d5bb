package dev.minillm.tensor;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The learning rate as a function of the training step, set on the optimizer before each step:
 * {@code optimizer.setLearningRate(schedule.at(step))}.
 */
public sealed interface LearningRateSchedule {

    /** The learning rate for {@code step}, counted from 0. */
    float at(int step);

    /** The schedule over {@code steps} steps as a line chart, for notebooks. */
    default XYChart chart(int steps) {
        double[] x = new double[steps], y = new double[steps];
        for (int step = 0; step < steps; step++) {
            x[step] = step;
            y[step] = at(step);
        }
        XYChart chart = new XYChartBuilder().width(640).height(360).title(toString())
                .xAxisTitle("step").yAxisTitle("learning rate").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(0);
        chart.addSeries("learning rate", x, y);
        return chart;
    }

    /** The same rate at every step. */
    record Constant(float learningRate) implements LearningRateSchedule {
        @Override
        public float at(int step) {
            return learningRate;
        }
    }

    /**
     * Linear warmup (预热) then cosine decay, as in GPT training (nanoGPT's {@code get_lr}):
     * <ul>
     *   <li>step &lt; warmupSteps: maxLr·(step + 1)/warmupSteps, rising so the first, noisy updates stay small;</li>
     *   <li>warmupSteps ≤ step ≤ decaySteps: minLr + ½(1 + cos(π·r))·(maxLr - minLr) with
     *       r = (step - warmupSteps)/(decaySteps - warmupSteps) going from 0 to 1;</li>
     *   <li>after decaySteps: minLr.</li>
     * </ul>
     */
    record WarmupCosine(float maxLr, float minLr, int warmupSteps, int decaySteps) implements LearningRateSchedule {
        /** Checks 0 ≤ warmupSteps ≤ decaySteps and 0 ≤ minLr ≤ maxLr. */
        public WarmupCosine {
            if (warmupSteps < 0 || decaySteps < warmupSteps || !(minLr >= 0f) || !(maxLr >= minLr)) {
                throw new IllegalArgumentException("WarmupCosine: need 0 <= warmupSteps <= decaySteps and "
                        + "0 <= minLr <= maxLr, got warmupSteps=" + warmupSteps + ", decaySteps=" + decaySteps
                        + ", minLr=" + minLr + ", maxLr=" + maxLr);
            }
        }

        @Override
        public float at(int step) {
            if (step < warmupSteps) {
                return maxLr * (step + 1) / warmupSteps;
            }
            if (step > decaySteps || decaySteps == warmupSteps) {
                return minLr;
            }
            double ratio = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
            return (float) (minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (maxLr - minLr));
        }
    }
}
