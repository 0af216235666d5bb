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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * Measures the {@link Matmul} kernels in GFLOP/s: an n×n by n×n product is 2n³ floating-point
 * operations (n³ multiplies and n³ adds), whatever the kernel does to get there.
 *
 * <p>Timings are printed figures for learners, never test assertions: they depend on the machine
 * and on whatever else it is running. Each measurement warms the JIT up first, then keeps the best
 * of several runs, the one least disturbed by other programs.
 */
public final class MatmulBenchmark {

    /**
     * One kernel (or an outside library, such as "PyTorch") on {@code threads} threads and one
     * square size: the best time of one n×n · n×n product.
     */
    public record Measurement(String kernel, int threads, int size, double seconds) {
        /** A kernel of {@link Matmul}, on the threads it always uses. */
        public Measurement(Kernel kernel, int size, double seconds) {
            this(kernel.name(), MatmulBenchmark.threads(kernel), size, seconds);
        }

        /** Billions of floating-point operations per second: 2·size³ / seconds. */
        public double gflops() {
            return 2.0 * size * size * size / seconds / 1e9;
        }

        /** The column and legend name: a kernel's own name, or an outside library with its threads ("PyTorch 2T"). */
        public String label() {
            return isJavaKernel() ? kernel : kernel + " " + threads + "T";
        }

        private boolean isJavaKernel() {
            return Arrays.stream(Kernel.values()).anyMatch(k -> k.name().equals(kernel));
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
            return Double.isNaN(ghz) ? "nominal peak unknown (no clock rate in /proc/cpuinfo)"
                    : String.format("nominal peak ≈ %d cores × %.2f GHz × %d FLOP/cycle = %.0f GFLOP/s",
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

    /**
     * The measured speed limits in GFLOP/s: one core alone, and all {@code threads} cores at once.
     * NaN without the Vector API.
     */
    public record FmaPeak(double oneCore, int threads, double allCores) {
        /** The better of two measurements, limit by limit: the run least disturbed by other programs. */
        public FmaPeak max(FmaPeak other) {
            return new FmaPeak(Math.max(oneCore, other.oneCore), threads, Math.max(allCores, other.allCores));
        }

        /** The limit for work on {@code n} threads: one core's for 1, all cores' otherwise. */
        public double forThreads(int n) {
            return n == 1 ? oneCore : allCores;
        }

        public String describe() {
            return Double.isNaN(oneCore) ? "FMA peak not measured (Vector API off)"
                    : String.format("measured FMA peak = %.1f GFLOP/s on 1 core, %.1f GFLOP/s on %d cores at once"
                    + " (%.2f× one core)", oneCore, allCores, threads, allCores / oneCore);
        }
    }

    private MatmulBenchmark() {}

    /** Threads a kernel runs on: one per core for PARALLEL, one for the others. */
    public static int threads(Kernel kernel) {
        return kernel == Kernel.PARALLEL ? WorkerPool.THREADS : 1;
    }

    /**
     * The largest n worth timing for a kernel: NAIVE takes seconds per product beyond
     * {@code naiveMax}, LOOP_ORDER and BLOCKED beyond {@code scalarMax}; SIMD and PARALLEL take any n.
     */
    public static int largestSize(Kernel kernel, int naiveMax, int scalarMax) {
        return switch (kernel) {
            case NAIVE -> naiveMax;
            case LOOP_ORDER, BLOCKED -> scalarMax;
            case SIMD, PARALLEL -> Integer.MAX_VALUE;
        };
    }

    // ---------------------------------------------------------------- the FMA peak

    /** Steps of the FMA loop per run: 12 vector FMAs each, about 20 ms on one core. */
    private static final long FMA_STEPS = 4_000_000;

    /**
     * {@link #measureFmaPeaks(long, int)} with runs of about 20 ms, best of 10: the early rounds
     * warm the JIT up, and the best round had the cores to itself.
     */
    public static FmaPeak measureFmaPeaks() {
        return measureFmaPeaks(FMA_STEPS, 10);
    }

    /**
     * The machine's real speed limits, with a Vector API microbenchmark: a loop of {@code steps} ×
     * 12 independent vector FMAs on registers only (no memory), first on the calling thread alone,
     * then on one fresh thread per core, all started together; all cores' figure counts every
     * thread's operations over the wall time from the first start to the last finish, so threads
     * that did not really run at the same time count as slow. The cores run at the clock they
     * really reach (turbo included, unlike the nominal clock of /proc/cpuinfo), which can be lower
     * with every core busy. Each figure is the best of {@code rounds} runs.
     */
    public static FmaPeak measureFmaPeaks(long steps, int rounds) {
        int threads = WorkerPool.THREADS;
        if (!Simd.AVAILABLE) {
            return new FmaPeak(Double.NaN, threads, Double.NaN);
        }
        if (!fmaCompiled) { // until C2 compiles it, the loop runs 100× slower: get that over with on short runs
            warmUp(() -> MatmulKernels.fmaGflops(20_000), 0.05);
            fmaCompiled = true;
        }
        double one = 0, all = 0;
        for (int round = 0; round < rounds; round++) {
            one = Math.max(one, MatmulKernels.fmaGflops(steps));
            all = Math.max(all, threads == 1 ? one : concurrentFmaGflops(threads, steps));
        }
        return new FmaPeak(one, threads, all);
    }

    private static volatile boolean fmaCompiled;

    /** {@link #measureFmaPeaks()} on all cores, in GFLOP/s; NaN without the Vector API. */
    public static double measureFmaPeak() {
        return measureFmaPeaks().allCores();
    }

    /** Total GFLOP/s of {@code threads} threads running the FMA loop at the same time. */
    private static double concurrentFmaGflops(int threads, long steps) {
        var ready = new CountDownLatch(threads);
        var go = new CountDownLatch(1);
        double[] rates = new double[threads];
        long[] starts = new long[threads], ends = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().daemon().name("minillm-fma-" + t).start(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                starts[id] = System.nanoTime();
                rates[id] = MatmulKernels.fmaGflops(steps);
                ends[id] = System.nanoTime();
            });
        }
        try {
            ready.await(); // every thread exists and waits: release them as one
            go.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        double operations = 0; // GFLOP/s × ns = FLOP
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (int t = 0; t < threads; t++) {
            operations += rates[t] * (ends[t] - starts[t]);
            first = Math.min(first, starts[t]);
            last = Math.max(last, ends[t]);
        }
        return operations / (last - first); // FLOP per ns = GFLOP/s
    }

    // ---------------------------------------------------------------- timing the kernels

    /** {@link #measure(Kernel, int, double, double)} with 0.3 s of warm-up and half a second of timed runs. */
    public static Measurement measure(Kernel kernel, int size) {
        return measure(kernel, size, 0.3, 0.5);
    }

    /**
     * Warms the kernel up (see {@link #warmUp}; not at all for {@code warmupSeconds} = 0, when an
     * earlier call has warmed it up), then returns the best of the timed runs (at least 3, for at
     * least {@code seconds}) on random size×size matrices. On a busy machine, more seconds give
     * more chances of a run that had the cores to itself.
     */
    public static Measurement measure(Kernel kernel, int size, double warmupSeconds, double seconds) {
        var random = new SplittableRandom(size);
        float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        Runnable run = () -> Matmul.multiply(kernel, a, 0, b, 0, c, 0, size, size, size);
        warmUp(run, warmupSeconds);
        return new Measurement(kernel, size, timeBest(run, 3, seconds));
    }

    /**
     * Runs the kernel on a shape that takes every branch of its code: 100 is no multiple of any
     * tile or vector width (so there are whole tiles and edge tiles), and a sum over 300 is longer
     * than one cache block (so C is first overwritten, then added to). The JIT compiles each branch
     * only once it has been taken; a branch first met later, at a larger n, throws the compiled
     * code away (an "uncommon trap") and runs it 50× slower until it is compiled again, in the
     * middle of the timings. Call before timing a kernel the first time.
     */
    public static void warmUpKernel(Kernel kernel, double seconds) {
        int m = 100, k = 300, n = 100;
        var random = new SplittableRandom(7);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        warmUp(() -> Matmul.multiply(kernel, a, 0, b, 0, c, 0, m, k, n), seconds);
    }

    /**
     * Runs {@code run} until the JIT has compiled it: for at least {@code seconds}, and on until,
     * for the last half of the time spent, no run has been 5% faster than the best before it and
     * the JIT has finished no compilation; at most 20 × {@code seconds}. A fixed warm-up is not
     * enough: the Vector API code is 50× slower until C2 compiles it, and on a busy machine the
     * compiler threads wait for a core too.
     */
    static void warmUp(Runnable run, double seconds) {
        if (seconds <= 0) {
            return;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), least = (long) (seconds * 1e9), most = 20 * least;
        long lastChange = start, compiling = watchJit ? jit.getTotalCompilationTime() : 0;
        double best = Double.POSITIVE_INFINITY;
        while (true) {
            long t0 = System.nanoTime();
            run.run();
            long now = System.nanoTime();
            if (now - t0 < 0.95 * best) {
                lastChange = now;
            }
            best = Math.min(best, now - t0);
            if (watchJit && jit.getTotalCompilationTime() != compiling) {
                compiling = jit.getTotalCompilationTime();
                lastChange = now;
            }
            long spent = now - start;
            if (spent >= most || spent >= least && now - lastChange >= spent / 2) {
                return;
            }
        }
    }

    /** The fastest of at least {@code runs} runs, continuing until {@code seconds} have passed, in seconds. */
    static double timeBest(Runnable run, int runs, double seconds) {
        double best = Double.POSITIVE_INFINITY;
        long start = System.nanoTime();
        for (int i = 0; i < runs || System.nanoTime() - start < seconds * 1e9; i++) {
            long t0 = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    // ---------------------------------------------------------------- tables and the chart

    /** GFLOP/s with one row per size and one column per kernel; a missing measurement is blank. */
    public static Table table(List<Measurement> measurements) {
        var sizes = new TreeSet<Integer>();
        Map<String, Map<Integer, Double>> byLabel = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            sizes.add(m.size());
            byLabel.computeIfAbsent(m.label(), k -> new LinkedHashMap<>()).put(m.size(), m.gflops());
        }
        Table table = Table.create("Matmul GFLOP/s (n×n · n×n, best run; " + Simd.describe() + "; PARALLEL on "
                + WorkerPool.THREADS + " threads, the other kernels on 1; nT = n threads)");
        table.addColumns(IntColumn.create("n", sizes.stream().mapToInt(Integer::intValue).toArray()));
        byLabel.forEach((label, bySize) -> {
            DoubleColumn column = DoubleColumn.create(label);
            sizes.forEach(size -> column.append(bySize.getOrDefault(size, Double.NaN)));
            column.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
            table.addColumns(column);
        });
        return table;
    }

    /**
     * Each size's share of the measured FMA peak: SIMD against one core's peak, PARALLEL against
     * all cores', each next to its GFLOP/s; outside libraries (PyTorch) against the peak for their
     * thread count, for comparison. One row per size that SIMD or PARALLEL was measured on.
     */
    public static Table peakTable(List<Measurement> measurements, FmaPeak peak) {
        var sizes = new TreeSet<Integer>();
        Map<String, Map<Integer, Measurement>> byLabel = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            if (m.kernel().equals(Kernel.SIMD.name()) || m.kernel().equals(Kernel.PARALLEL.name())) {
                sizes.add(m.size());
            }
            byLabel.computeIfAbsent(m.label(), k -> new LinkedHashMap<>()).put(m.size(), m);
        }
        Table table = Table.create(String.format("Share of the measured FMA peak (1 core: %.1f GFLOP/s, %d cores: %.1f GFLOP/s)",
                peak.oneCore(), peak.threads(), peak.allCores()));
        table.addColumns(IntColumn.create("n", sizes.stream().mapToInt(Integer::intValue).toArray()));
        List<String> order = new ArrayList<>();
        for (int threads : new int[] {1, peak.threads()}) { // the 1-thread columns, then the all-core ones
            Kernel kernel = threads == 1 ? Kernel.SIMD : Kernel.PARALLEL;
            if (byLabel.containsKey(kernel.name())) {
                order.add(kernel.name());
            }
            byLabel.forEach((label, bySize) -> {
                Measurement any = bySize.values().iterator().next();
                if (!any.isJavaKernel() && any.threads() == threads && !order.contains(label)) {
                    order.add(label);
                }
            });
            if (peak.threads() == 1) {
                break;
            }
        }
        for (String label : order) {
            Map<Integer, Measurement> bySize = byLabel.get(label);
            boolean ours = bySize.values().iterator().next().isJavaKernel();
            int threads = bySize.values().iterator().next().threads();
            DoubleColumn share = DoubleColumn.create(label + " % of " + (threads == 1 ? "1-core" : threads + "-core") + " peak");
            DoubleColumn gflops = DoubleColumn.create(label + " GFLOP/s");
            for (int size : sizes) {
                Measurement m = bySize.get(size);
                gflops.append(m == null ? Double.NaN : m.gflops());
                share.append(m == null ? Double.NaN : 100 * m.gflops() / peak.forThreads(threads));
            }
            gflops.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
            share.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(0));
            if (ours) {
                table.addColumns(gflops);
            }
            table.addColumns(share);
        }
        return table;
    }

    /**
     * GFLOP/s against matrix size, one line per kernel, with the measured FMA peaks of one core and
     * of all cores as dashed lines. Both axes are logarithmic: the kernels span two orders of
     * magnitude, and each tick to the right doubles n (8× the work).
     */
    public static XYChart chart(List<Measurement> measurements, FmaPeak peak) {
        XYChart chart = new XYChartBuilder().width(760).height(440)
                .title("Matrix multiplication speed").xAxisTitle("n (n×n · n×n)").yAxisTitle("GFLOP/s").build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setYAxisLogarithmic(true).setXAxisTickMarkSpacingHint(40)
                .setxAxisTickLabelsFormattingFunction(log2 -> Math.abs(log2 - Math.rint(log2)) < 1e-9
                        ? Long.toString(Math.round(Math.pow(2, log2))) : "");
        Map<String, List<Measurement>> byLabel = new LinkedHashMap<>();
        measurements.forEach(m -> byLabel.computeIfAbsent(m.label(), k -> new ArrayList<>()).add(m));
        byLabel.forEach((label, series) -> {
            List<Measurement> sorted = series.stream().sorted((x, y) -> Integer.compare(x.size(), y.size())).toList();
            chart.addSeries(label, sorted.stream().mapToDouble(m -> log2(m.size())).toArray(),
                    sorted.stream().mapToDouble(Measurement::gflops).toArray());
        });
        if (!Double.isNaN(peak.oneCore()) && !measurements.isEmpty()) {
            double[] x = measurements.stream().mapToDouble(m -> log2(m.size())).sorted().distinct().toArray();
            double[] one = new double[x.length], all = new double[x.length];
            Arrays.fill(one, peak.oneCore());
            Arrays.fill(all, peak.allCores());
            chart.addSeries("FMA peak, 1 core", x, one).setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
            if (peak.threads() > 1) {
                chart.addSeries("FMA peak, " + peak.threads() + " cores", x, all)
                        .setMarker(SeriesMarkers.NONE).setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        return chart;
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }
}
