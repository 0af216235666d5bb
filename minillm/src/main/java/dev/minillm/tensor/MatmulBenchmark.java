package dev.minillm.tensor;

import dev.minillm.common.Simd;
import dev.minillm.tensor.Matmul.Kernel;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Measures the {@link Matmul} kernels in GFLOP/s: an n×n by n×n product is 2n³ floating-point
 * operations (n³ multiplies and n³ adds), whatever the kernel does to get there.
 *
 * <p>Timings are printed figures for learners, never test assertions: they depend on the machine
 * and on whatever else it is running. Each measurement warms the JIT up first, then keeps the best
 * of several runs, the one least disturbed by other programs.
 */
public final class MatmulBenchmark {

    /** One kernel (or an outside library, such as "PyTorch") on one square size. */
    public record Measurement(String kernel, int size, double seconds) {
        /** Billions of floating-point operations per second: 2·size³ / seconds. */
        public double gflops() {
            return 2.0 * size * size * size / seconds / 1e9;
        }
    }

    /**
     * The machine's theoretical peak: cores × GHz × float operations per cycle and core. A core
     * with two FMA units of 8 floats (256 bits, as on AMD Zen 2–4 and Intel desktop cores) does
     * 2 units × 8 lanes × 2 operations = 32 per cycle; AMD Zen 4 runs AVX-512 on the same two
     * 256-bit units, so it is 32 there too, while Intel server cores with two 512-bit units do 64.
     *
     * @param ghz the clock read from /proc/cpuinfo, NaN when unknown
     */
    public record Peak(int cores, double ghz, int flopsPerCycle) {
        public double gflops() {
            return cores * ghz * flopsPerCycle;
        }

        /** Cores from the JVM, clock from /proc/cpuinfo (Linux), 32 operations per cycle unless told. */
        public static Peak estimate(int flopsPerCycle) {
            return new Peak(Runtime.getRuntime().availableProcessors(), clockGhz(), flopsPerCycle);
        }

        public String describe() {
            return Double.isNaN(ghz) ? "peak unknown (no clock rate in /proc/cpuinfo)"
                    : String.format("peak ≈ %d cores × %.2f GHz × %d FLOP/cycle = %.0f GFLOP/s",
                    cores, ghz, flopsPerCycle, gflops());
        }

        private static double clockGhz() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("cpu MHz")) {
                        return Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()) / 1000;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or an unusual format: the peak stays unknown
            }
            return Double.NaN;
        }
    }

    private MatmulBenchmark() {}

    /**
     * The machine's real speed limit in GFLOP/s: one core's best rate on a loop of independent
     * vector FMAs on registers only (no memory), at whatever clock it really runs (turbo included,
     * unlike the nominal clock of /proc/cpuinfo), times the number of cores. An upper bound: with
     * every core busy the clock may be a little lower. NaN without the Vector API.
     */
    public static double measureFmaPeak() {
        if (!Simd.AVAILABLE) {
            return Double.NaN;
        }
        double best = 0;
        for (int round = 0; round < 10; round++) { // early rounds warm the JIT up; the best round had the core alone
            best = Math.max(best, MatmulKernels.fmaGflops(10_000_000));
        }
        return best * WorkerPool.THREADS;
    }

    /** {@link #measure(Kernel, int, double, double)} with 0.3 s of warm-up and half a second of timed runs. */
    public static Measurement measure(Kernel kernel, int size) {
        return measure(kernel, size, 0.3, 0.5);
    }

    /**
     * Warms the kernel up for {@code warmupSeconds} (at least 2 runs: the JIT compiles the hot
     * loops), then returns the best of the timed runs (at least 3, for at least {@code seconds})
     * on random size×size matrices. On a busy machine, more seconds give more chances of a run
     * that had the cores to itself.
     */
    public static Measurement measure(Kernel kernel, int size, double warmupSeconds, double seconds) {
        var random = new SplittableRandom(size);
        float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        Runnable run = () -> Matmul.multiply(kernel, a, 0, b, 0, c, 0, size, size, size);
        timeBest(run, 2, warmupSeconds);
        return new Measurement(kernel.name(), size, timeBest(run, 3, seconds));
    }

    /** The fastest of at least {@code runs} runs, continuing until {@code seconds} have passed. */
    private static double timeBest(Runnable run, int runs, double seconds) {
        double best = Double.POSITIVE_INFINITY;
        long start = System.nanoTime();
        for (int i = 0; i < runs || System.nanoTime() - start < seconds * 1e9; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** GFLOP/s with one row per size and one column per kernel; a missing measurement is blank. */
    public static Table table(List<Measurement> measurements) {
        var sizes = new TreeSet<Integer>();
        Map<String, Map<Integer, Double>> byKernel = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            sizes.add(m.size());
            byKernel.computeIfAbsent(m.kernel(), k -> new LinkedHashMap<>()).put(m.size(), m.gflops());
        }
        Table table = Table.create("Matmul GFLOP/s (n×n · n×n, best run; " + Simd.describe() + ", "
                + WorkerPool.THREADS + " threads)");
        table.addColumns(IntColumn.create("n", sizes.stream().mapToInt(Integer::intValue).toArray()));
        byKernel.forEach((kernel, bySize) -> {
            DoubleColumn column = DoubleColumn.create(kernel);
            sizes.forEach(size -> column.append(bySize.getOrDefault(size, Double.NaN)));
            column.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
            table.addColumns(column);
        });
        return table;
    }

    /**
     * GFLOP/s against matrix size, one line per kernel, with a peak (GFLOP/s, NaN for none) as a
     * dashed line. Both axes are logarithmic: the kernels span two orders of magnitude, and each
     * tick to the right doubles n (8× the work).
     */
    public static XYChart chart(List<Measurement> measurements, double peak) {
        XYChart chart = new XYChartBuilder().width(760).height(440)
                .title("Matrix multiplication speed").xAxisTitle("n (n×n · n×n)").yAxisTitle("GFLOP/s").build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setYAxisLogarithmic(true).setXAxisTickMarkSpacingHint(40)
                .setxAxisTickLabelsFormattingFunction(log2 -> Math.abs(log2 - Math.rint(log2)) < 1e-9
                        ? Long.toString(Math.round(Math.pow(2, log2))) : "");
        Map<String, List<Measurement>> byKernel = new LinkedHashMap<>();
        measurements.forEach(m -> byKernel.computeIfAbsent(m.kernel(), k -> new ArrayList<>()).add(m));
        byKernel.forEach((kernel, series) -> chart.addSeries(kernel,
                series.stream().mapToDouble(m -> log2(m.size())).toArray(),
                series.stream().mapToDouble(Measurement::gflops).toArray()));
        if (!Double.isNaN(peak) && !measurements.isEmpty()) {
            double[] x = measurements.stream().mapToDouble(m -> log2(m.size())).sorted().distinct().toArray();
            double[] y = new double[x.length];
            Arrays.fill(y, peak);
            chart.addSeries("FMA peak", x, y).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
        }
        return chart;
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }
}
