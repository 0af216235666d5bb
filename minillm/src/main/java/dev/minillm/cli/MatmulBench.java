package dev.minillm.cli;

import dev.minillm.common.Plots;
import dev.minillm.common.Progress;
import dev.minillm.tensor.Matmul.Kernel;
import dev.minillm.tensor.MatmulBenchmark;
import dev.minillm.tensor.MatmulBenchmark.FmaPeak;
import dev.minillm.tensor.MatmulBenchmark.Measurement;
import dev.minillm.tensor.MatmulBenchmark.Peak;
import dev.minillm.tensor.OpsBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Chapter 3's benchmark: GFLOP/s of each matrix multiplication kernel per size, as a share of an FMA
 * peak measured in the same run, next to PyTorch on as many threads; then softmax and layer norm in
 * GB/s against a memory copy.
 */
@Command(name = "matmul", mixinStandardHelpOptions = true,
        description = "GFLOP/s of each matmul kernel per size against the measured FMA peak and PyTorch, "
                + "then softmax and layer norm in GB/s against a memory copy.")
final class MatmulBench implements Callable<Integer> {

    /** The PyTorch side, relative to the repository root. */
    private static final String TORCH_SCRIPT = "minillm/src/test/python/bench_matmul.py";

    /** Steps of each run of the FMA loop: about 20 ms. */
    private static final long FMA_STEPS = 4_000_000;

    /** The share of the measured peak the fast kernels aim for at n = 1024. */
    private static final double TARGET_PERCENT = 60, TARGET_SIZE = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "64,128,256,512,1024,2048",
            description = "Square sizes n (default: ${DEFAULT-VALUE}).")
    int[] sizes;

    @Option(names = "--kernels", split = ",", defaultValue = "NAIVE,LOOP_ORDER,BLOCKED,SIMD,PARALLEL",
            description = "Kernels to measure (default: ${DEFAULT-VALUE}).")
    Kernel[] kernels;

    @Option(names = "--naive-max", defaultValue = "512",
            description = "Largest n for NAIVE, which takes seconds beyond (default: ${DEFAULT-VALUE}; 256 with --quick).")
    int naiveMax;

    @Option(names = "--scalar-max", defaultValue = "1024",
            description = "Largest n for LOOP_ORDER and BLOCKED (default: ${DEFAULT-VALUE}; 512 with --quick). "
                    + "SIMD and PARALLEL run every size.")
    int scalarMax;

    @Option(names = "--flops-per-cycle", defaultValue = "32",
            description = "Float operations per cycle and core for the nominal peak: 32 for two 256-bit FMA units "
                    + "(AMD Zen 2-4, Intel desktop), 64 for two 512-bit units (Intel Xeon) (default: ${DEFAULT-VALUE}).")
    int flopsPerCycle;

    @Option(names = "--seconds", defaultValue = "0.25",
            description = "Seconds of timed runs per kernel, size and round; the best run counts "
                    + "(default: ${DEFAULT-VALUE}; 0.05 with --quick).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "0.3",
            description = "Seconds of warm-up per kernel and op on a small shape, then a third of it per size, in the first round "
                    + "(more while the JIT is still compiling) (default: ${DEFAULT-VALUE}; 0.1 with --quick).")
    double warmup;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds over all kernels and sizes, against bursts of other work (default: ${DEFAULT-VALUE}; 1 with --quick).")
    int rounds;

    @Option(names = "--quick", description = "A run of about 20 seconds: 1 round, shorter timings, smaller sizes for the slow kernels.")
    boolean quick;

    @Option(names = "--no-torch", description = "Skip the PyTorch comparison (torch.mm, run when python3 has torch).")
    boolean noTorch;

    @Option(names = "--python", description = "The Python with PyTorch (default: python3, then /usr/bin/python3).")
    String python;

    @Option(names = "--no-ops", description = "Skip the softmax and layer-norm GB/s table.")
    boolean noOps;

    @Option(names = "--ops-shape", split = "x", defaultValue = "4096x768",
            description = "Rows x columns of the tensor for softmax and layer norm (default: ${DEFAULT-VALUE}: "
                    + "a batch of 4096 positions of a 768-wide model, 12.6 MB of float32).")
    int[] opsShape;

    @Option(names = "--plot", description = "Save a plot of GFLOP/s against n to this PNG file.")
    Path plot;

    @Override
    public Integer call() {
        applyQuick();
        if (opsShape.length != 2) {
            throw new IllegalArgumentException("--ops-shape: give rows x columns, e.g. 4096x768; got "
                    + Arrays.toString(opsShape));
        }
        Peak nominal = Peak.estimate(flopsPerCycle);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Machine: %d cores, %s, load average %.1f.%n", nominal.cores(), nominal.describe(), load);
        if (load > nominal.cores() / 2.0) {
            System.out.println("(Other programs are busy: the figures below are lower than on an idle machine.)");
        }
        System.out.printf("Best of %d round%s of %.2f s per kernel and size.%n", rounds, rounds == 1 ? "" : "s", seconds);

        // Rounds over every kernel and size, keeping each one's best: a burst of other work on the
        // machine then spoils one round of a measurement, not the measurement. The peak is sampled
        // again before every kernel, for the same reason: on a shared machine, what a core can do
        // changes from second to second.
        long started = System.nanoTime();
        FmaPeak peak = null;
        Map<String, Measurement> best = new LinkedHashMap<>();
        Map<OpsBenchmark.Op, OpsBenchmark.Result> ops = new EnumMap<>(OpsBenchmark.Op.class);
        long pairs = Arrays.stream(kernels).mapToLong(k -> Arrays.stream(sizes).filter(n -> n <= maxSize(k)).count()).sum();
        long steps = rounds * (pairs + (noOps ? 0 : OpsBenchmark.Op.values().length));
        try (var progress = Progress.start("matmul", steps)) {
            for (int round = 0; round < rounds; round++) {
                // Each kernel and op is warmed up once on a small shape; each size then needs a short
                // warm-up only, in case a new branch sends the JIT back to work.
                double warm = round == 0 ? warmup / 3 : 0;
                for (Kernel kernel : kernels) {
                    progress.setExtraMessage(" FMA peak");
                    FmaPeak sample = MatmulBenchmark.measureFmaPeaks(FMA_STEPS, peak == null ? 10 : 3);
                    peak = peak == null ? sample : peak.max(sample);
                    if (round == 0) {
                        progress.setExtraMessage(" " + kernel + " warm-up");
                        MatmulBenchmark.warmUpKernel(kernel, warmup);
                    }
                    for (int size : sizes) {
                        if (size <= maxSize(kernel)) {
                            progress.setExtraMessage(" " + kernel + " n=" + size);
                            Measurement m = MatmulBenchmark.measure(kernel, size, warm, seconds);
                            best.merge(kernel + " " + size, m, (x, y) -> x.seconds() <= y.seconds() ? x : y);
                            progress.step();
                        }
                    }
                }
                if (!noOps) {
                    for (OpsBenchmark.Op op : OpsBenchmark.Op.values()) {
                        progress.setExtraMessage(" " + op.description());
                        ops.merge(op, OpsBenchmark.measure(op, opsShape[0], opsShape[1], round == 0 ? warmup : 0, seconds),
                                OpsBenchmark.Result::min);
                        progress.step();
                    }
                }
            }
        }
        if (peak == null) { // no kernels: the peak alone
            peak = MatmulBenchmark.measureFmaPeaks(FMA_STEPS, 10);
        }
        List<Measurement> measurements = new ArrayList<>(best.values());
        List<Measurement> torchMeasurements = noTorch ? List.of() : torch(nominal.cores());
        measurements.addAll(torchMeasurements);

        System.out.println();
        System.out.println(peak.describe());
        if (!Double.isNaN(peak.oneCore())) {
            System.out.printf("  (at %d FLOP/cycle, one core's figure means a clock of %.2f GHz; /proc/cpuinfo says %.2f)%n",
                    flopsPerCycle, peak.oneCore() / flopsPerCycle, nominal.ghz());
        }
        System.out.println();
        System.out.println(MatmulBenchmark.table(measurements).printAll());
        if (!Double.isNaN(peak.oneCore())) {
            System.out.println();
            System.out.println(MatmulBenchmark.peakTable(measurements, peak).printAll());
            target(measurements, peak);
        }
        if (!noOps) {
            System.out.println();
            System.out.println(OpsBenchmark.table(new ArrayList<>(ops.values())).printAll());
        }
        if (plot != null) {
            System.out.println("Plot saved to " + Plots.savePng(MatmulBenchmark.chart(measurements, peak), plot));
        }
        System.out.printf("%nTook %.0f s.%n", (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** --quick: shorter settings for every option not given on the command line. */
    private void applyQuick() {
        if (!quick) {
            return;
        }
        var parsed = spec.commandLine().getParseResult();
        if (!parsed.hasMatchedOption("--rounds")) {
            rounds = 1;
        }
        if (!parsed.hasMatchedOption("--seconds")) {
            seconds = 0.05;
        }
        if (!parsed.hasMatchedOption("--warmup")) {
            warmup = 0.1;
        }
        if (!parsed.hasMatchedOption("--naive-max")) {
            naiveMax = 256;
        }
        if (!parsed.hasMatchedOption("--scalar-max")) {
            scalarMax = 512;
        }
    }

    private int maxSize(Kernel kernel) {
        return MatmulBenchmark.largestSize(kernel, naiveMax, scalarMax);
    }

    /** One line on the aim: SIMD and PARALLEL at n = 1024 against their measured peaks. */
    private static void target(List<Measurement> measurements, FmaPeak peak) {
        List<String> parts = new ArrayList<>();
        for (Kernel kernel : new Kernel[] {Kernel.SIMD, Kernel.PARALLEL}) {
            measurements.stream().filter(m -> m.kernel().equals(kernel.name()) && m.size() == TARGET_SIZE).findFirst()
                    .ifPresent(m -> {
                        double percent = 100 * m.gflops() / peak.forThreads(m.threads());
                        parts.add(String.format("%s on %d thread%s %.0f%% %s", kernel, m.threads(),
                                m.threads() == 1 ? "" : "s", percent, percent >= TARGET_PERCENT ? "(met)" : "(missed)"));
                    });
        }
        if (!parts.isEmpty()) {
            System.out.printf("Target ≥ %.0f%% of the measured peak at n=%.0f: %s.%n", TARGET_PERCENT, TARGET_SIZE,
                    String.join(", ", parts));
        }
    }

    /**
     * Runs the committed PyTorch script on 1 thread and on as many threads as the Java pool, if
     * Python and torch are there.
     */
    private List<Measurement> torch(int cores) {
        Path script = findScript();
        if (script == null) {
            System.out.println("PyTorch: skipped, " + TORCH_SCRIPT + " not found (run from the repository)");
            return List.of();
        }
        List<String> pythons = python != null ? List.of(python) : List.of("python3", "/usr/bin/python3");
        String sizeList = Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String threadList = cores == 1 ? "1" : "1," + cores;
        for (String candidate : pythons) {
            try {
                Process process = new ProcessBuilder(candidate, script.toString(), "--threads", threadList,
                        "--sizes", sizeList, "--seconds", Double.toString(seconds), "--rounds", Integer.toString(rounds),
                        "--warmup", Double.toString(warmup))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                List<Measurement> result = new ArrayList<>();
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        if (line.startsWith("#")) {
                            System.out.println("PyTorch: " + line.substring(1).strip() + " (" + candidate + ")");
                        } else {
                            String[] fields = line.strip().split(" "); // threads, n, best seconds
                            result.add(new Measurement("PyTorch", Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
                                    Double.parseDouble(fields[2])));
                        }
                    }
                }
                if (process.waitFor() == 0) {
                    return result;
                }
            } catch (IOException e) {
                // this Python is not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        System.out.println("PyTorch: skipped, no python3 with torch found (sudo apt-get install python3-torch)");
        return List.of();
    }

    /** The script in the repository: looked for from the working directory and from the jar's location up. */
    private static Path findScript() {
        List<Path> starts = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
        try {
            starts.add(Path.of(MatmulBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: the working directory will do
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path script = dir.resolve(TORCH_SCRIPT);
                if (Files.isRegularFile(script)) {
                    return script;
                }
            }
        }
        return null;
    }
}
