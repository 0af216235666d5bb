package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.common.Simd;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What attention costs as the sequence grows: every position is compared with every other, so
 * the work and the memory of the T×T matrices grow as T² (O(n²)), while everything else in a
 * layer (the projections, the MLP) grows as T. {@link #estimate} counts, {@link #time} measures.
 *
 * <p>Counts are for one sequence (batch 1) of T positions and width d = C, in floating-point
 * operations (FLOPs, a multiply-add counts 2) of the matrix products; softmax and masking add a
 * few operations per score, which do not change the picture. Timings are printed figures, never
 * test assertions: they depend on the machine and whatever else it runs.
 */
public final class AttentionCost {

    private AttentionCost() {}

    /**
     * The cost of one self-attention layer on one sequence.
     *
     * @param length T, the number of positions
     * @param dim d = C, the width (all heads together)
     * @param heads nh (changes the memory, not the FLOPs)
     * @param projectionFlops 8·T·d²: the q, k, v and output projections, linear in T
     * @param attentionFlops 4·T²·d: Q·Kᵀ and weights·V, full T×T matrices as the composed ops compute them
     * @param causalFlops 2·T·(T+1)·d: only the visible scores, as the fused causal kernel computes them
     * @param scoreBytes one T×T float matrix per head, nh·T²·4 bytes: the O(n²) memory
     * @param composedBytes kept by the composed ops for the backward pass: 4 such matrices (the
     *                      products, the scaled and the masked scores, the weights)
     * @param fusedBytes kept by the fused kernel for the backward pass: the visible weights, nh·T(T+1)/2 floats
     */
    public record Estimate(int length, int dim, int heads, long projectionFlops, long attentionFlops, long causalFlops,
                           long scoreBytes, long composedBytes, long fusedBytes) {

        /** The share of the layer's FLOPs spent on attention itself (full matrices). */
        public double attentionShare() {
            return (double) attentionFlops / (attentionFlops + projectionFlops);
        }
    }

    /** The FLOPs and memory of a layer of width {@code dim} in {@code heads} heads on {@code length} positions. */
    public static Estimate estimate(int length, int dim, int heads) {
        if (length < 1 || dim < 1 || heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("AttentionCost.estimate: need positive sizes and dim divisible by heads, got T="
                    + length + ", d=" + dim + ", heads=" + heads);
        }
        long t = length, d = dim;
        long scoreBytes = heads * t * t * Float.BYTES;
        return new Estimate(length, dim, heads, 8 * t * d * d, 4 * t * t * d, 2 * t * (t + 1) * d, scoreBytes,
                4 * scoreBytes, heads * t * (t + 1) / 2 * Float.BYTES);
    }

    /** One row per length: FLOPs of the projections and of attention, attention's share, and memory. */
    public static Table costTable(int dim, int heads, int... lengths) {
        List<Estimate> rows = Arrays.stream(lengths).mapToObj(t -> estimate(t, dim, heads)).toList();
        Table table = Table.create("Attention cost per sequence (d=" + dim + ", " + heads + " heads)");
        table.addColumns(IntColumn.create("T", lengths));
        table.addColumns(column("projections MFLOP", rows, e -> e.projectionFlops() / 1e6, 1));
        table.addColumns(column("attention MFLOP", rows, e -> e.attentionFlops() / 1e6, 1));
        table.addColumns(column("causal MFLOP", rows, e -> e.causalFlops() / 1e6, 1));
        table.addColumns(column("attention %", rows, e -> 100 * e.attentionShare(), 1));
        table.addColumns(column("T×T MiB", rows, e -> e.scoreBytes() / 1048576.0, 2));
        table.addColumns(column("composed keeps MiB", rows, e -> e.composedBytes() / 1048576.0, 2));
        table.addColumns(column("fused keeps MiB", rows, e -> e.fusedBytes() / 1048576.0, 2));
        return table;
    }

    /**
     * FLOPs against T on log-log axes: the projections are a line of slope 1, attention a line of
     * slope 2, and they cross at T = 2d, past which attention dominates.
     */
    public static XYChart costChart(int dim, int heads, int... lengths) {
        List<Estimate> rows = Arrays.stream(lengths).mapToObj(t -> estimate(t, dim, heads)).toList();
        XYChart chart = logLogChart("Attention FLOPs grow as T² (d=" + dim + ")", "MFLOP per sequence");
        double[] x = rows.stream().mapToDouble(e -> e.length()).toArray();
        chart.addSeries("projections 8·T·d²", x, rows.stream().mapToDouble(e -> e.projectionFlops() / 1e6).toArray());
        chart.addSeries("attention 4·T²·d", x, rows.stream().mapToDouble(e -> e.attentionFlops() / 1e6).toArray());
        chart.addSeries("causal part 2·T(T+1)·d", x, rows.stream().mapToDouble(e -> e.causalFlops() / 1e6).toArray())
                .setLineStyle(SeriesLines.DASH_DASH);
        return chart;
    }

    // ---------------------------------------------------------------- timings

    /**
     * The best times in seconds of one causal attention call on (B, nh, T, hs) inputs: forward only
     * (no gradients, as in generation), and forward plus backward (as in training). The fused
     * training time calls the kernel's forward and backward passes directly, without the graph
     * bookkeeping that {@code Autograd.custom} adds when a model trains with {@link Kernel#FUSED}.
     *
     * @param length T
     * @param batch B
     * @param heads nh
     * @param headSize hs
     * @param composedForward seconds of the composed ops, forward only
     * @param fusedForward seconds of the fused kernel, forward only
     * @param composedTraining seconds of the composed ops, forward and backward
     * @param fusedTraining seconds of the fused kernel, forward (keeping the weights) and backward
     */
    public record Timing(int length, int batch, int heads, int headSize, double composedForward, double fusedForward,
                         double composedTraining, double fusedTraining) {}

    /**
     * Measures both kernels on random inputs: each is run for a warm-up (the JIT compiles the hot
     * loops), then timed for at least {@code seconds} and at least 3 runs, keeping the best.
     */
    public static Timing time(int batch, int heads, int headSize, int length, double seconds) {
        int[] shape = {batch, heads, length, headSize};
        Tensor q = Tensor.randn(1, shape), k = Tensor.randn(2, shape), v = Tensor.randn(3, shape);
        Tensor g = Tensor.randn(4, shape);
        var causal = Options.defaults().withCausal(true);

        Runnable composedForward = () -> {
            try (var _ = Autograd.noGrad()) {
                ScaledDotProductAttention.attend(q, k, v, causal.withKernel(Kernel.COMPOSED));
            }
        };
        Runnable fusedForward = () -> {
            try (var _ = Autograd.noGrad()) {
                ScaledDotProductAttention.attend(q, k, v, causal.withKernel(Kernel.FUSED));
            }
        };
        Tensor[] leaves = {leaf(q), leaf(k), leaf(v)};
        Runnable composedTraining = () -> {
            ScaledDotProductAttention.attend(leaves[0], leaves[1], leaves[2], causal.withKernel(Kernel.COMPOSED))
                    .output().backward(g);
            Arrays.stream(leaves).forEach(Tensor::zeroGrad);
        };
        var fused = new FusedAttention.Shape(batch * heads, length, length, headSize, headSize, true,
                1f / (float) Math.sqrt(headSize));
        float[] qa = q.toArray(), ka = k.toArray(), va = v.toArray(), ga = g.toArray();
        RowOps ops = RowOps.best();
        Runnable fusedTraining = () -> {
            var forward = FusedAttention.forward(fused, qa, ka, va, true, ops);
            FusedAttention.backward(fused, qa, ka, va, forward.probabilities(), ga, ops);
        };
        double warmup = Math.min(0.5, seconds);
        return new Timing(length, batch, heads, headSize, best(composedForward, warmup, seconds),
                best(fusedForward, warmup, seconds), best(composedTraining, warmup, seconds),
                best(fusedTraining, warmup, seconds));
    }

    private static Tensor leaf(Tensor t) {
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
    }

    /** Warms up for {@code warmup} seconds (at least 2 runs), then the fastest of at least 3 runs over {@code seconds}. */
    private static double best(Runnable run, double warmup, double seconds) {
        long start = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - start < warmup * 1e9; i++) {
            run.run();
        }
        double best = Double.POSITIVE_INFINITY;
        start = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - start < seconds * 1e9; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** Milliseconds per call of each kernel and pass, one row per length, with the speed-ups. */
    public static Table timingTable(List<Timing> timings) {
        Timing first = timings.isEmpty() ? null : timings.getFirst();
        Table table = Table.create("Causal attention, ms per call (best run; "
                + (first == null ? "" : "B=" + first.batch() + ", " + first.heads() + " heads of " + first.headSize() + "; ")
                + Simd.describe() + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
        table.addColumns(IntColumn.create("T", timings.stream().mapToInt(Timing::length).toArray()));
        table.addColumns(column("composed fwd", timings, t -> 1e3 * t.composedForward(), 2));
        table.addColumns(column("fused fwd", timings, t -> 1e3 * t.fusedForward(), 2));
        table.addColumns(column("fwd speed-up", timings, t -> t.composedForward() / t.fusedForward(), 2));
        table.addColumns(column("composed fwd+bwd", timings, t -> 1e3 * t.composedTraining(), 2));
        table.addColumns(column("fused fwd+bwd", timings, t -> 1e3 * t.fusedTraining(), 2));
        table.addColumns(column("fwd+bwd speed-up", timings, t -> t.composedTraining() / t.fusedTraining(), 2));
        return table;
    }

    /**
     * Time against T on log-log axes, one line per kernel and pass, with a dashed T² line through
     * the first composed forward time: curves parallel to it grow as T².
     */
    public static XYChart timingChart(List<Timing> timings) {
        XYChart chart = logLogChart("Attention time against sequence length", "ms per call");
        double[] x = timings.stream().mapToDouble(Timing::length).toArray();
        chart.addSeries("composed forward", x, values(timings, t -> 1e3 * t.composedForward()));
        chart.addSeries("fused forward", x, values(timings, t -> 1e3 * t.fusedForward()));
        chart.addSeries("composed fwd+bwd", x, values(timings, t -> 1e3 * t.composedTraining()));
        chart.addSeries("fused fwd+bwd", x, values(timings, t -> 1e3 * t.fusedTraining()));
        if (!timings.isEmpty()) {
            Timing first = timings.getFirst();
            double[] quadratic = values(timings, t -> 1e3 * first.composedForward() * Math.pow((double) t.length() / first.length(), 2));
            chart.addSeries("∝ T²", x, quadratic).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        }
        return chart;
    }

    // ---------------------------------------------------------------- helpers

    private static XYChart logLogChart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(760).height(440).title(title).xAxisTitle("T (sequence length)")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        return chart;
    }

    private static <T> DoubleColumn column(String name, List<T> rows, ToDoubleFunction<T> value, int decimals) {
        DoubleColumn column = DoubleColumn.create(name, values(rows, value));
        column.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(decimals));
        return column;
    }

    private static <T> double[] values(List<T> rows, ToDoubleFunction<T> value) {
        return rows.stream().mapToDouble(value).toArray();
    }
}
