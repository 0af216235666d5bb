package dev.minillm.cli;

import dev.minillm.common.Plots;
import dev.minillm.common.Progress;
import dev.minillm.tensor.Matmul.Kernel;
import dev.minillm.tensor.MatmulBenchmark;
import dev.minillm.tensor.MatmulBenchmark.Measurement;
import dev.minillm.tensor.MatmulBenchmark.Peak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Chapter 3's benchmark: GFLOP/s of each matrix multiplication kernel, against the peak and PyTorch. */
@Command(name = "matmul", mixinStandardHelpOptions = true, description = "GFLOP/s of each matmul kernel per size.")
final class MatmulBench implements Callable<Integer> {

    /** The PyTorch side, relative to the repository root. */
    private static final String TORCH_SCRIPT = "minillm/src/test/python/bench_matmul.py";

    @Option(names = "--sizes", split = ",", defaultValue = "64,128,256,512,1024",
            description = "Square sizes n (default: ${DEFAULT-VALUE}).")
    int[] sizes;

    @Option(names = "--kernels", split = ",", defaultValue = "NAIVE,LOOP_ORDER,BLOCKED,SIMD,PARALLEL",
            description = "Kernels to measure (default: ${DEFAULT-VALUE}).")
    Kernel[] kernels;

    @Option(names = "--naive-max", defaultValue = "512",
            description = "Largest n for NAIVE, which takes seconds beyond (default: ${DEFAULT-VALUE}).")
    int naiveMax;

    @Option(names = "--flops-per-cycle", defaultValue = "32",
            description = "Float operations per cycle and core for the nominal peak: 32 for two 256-bit FMA units "
                    + "(AMD Zen 2-4, Intel desktop), 64 for two 512-bit units (Intel Xeon) (default: ${DEFAULT-VALUE}).")
    int flopsPerCycle;

    @Option(names = "--seconds", defaultValue = "0.25",
            description = "Seconds of timed runs per kernel, size and round; the best run counts (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds over all kernels and sizes, against bursts of other work (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--no-torch", description = "Skip the PyTorch comparison (torch.mm, run when python3 has torch).")
    boolean noTorch;

    @Option(names = "--python", description = "The Python with PyTorch (default: python3, then /usr/bin/python3).")
    String python;

    @Option(names = "--plot", description = "Save a plot of GFLOP/s against n to this PNG file.")
    Path plot;

    @Override
    public Integer call() {
        Peak nominal = Peak.estimate(flopsPerCycle);
        double measuredPeak = MatmulBenchmark.measureFmaPeak();
        System.out.println("Machine: " + nominal.describe());
        System.out.printf("         measured FMA peak = %d cores × %.0f GFLOP/s (vector FMAs on registers, no memory)"
                + " = %.0f GFLOP/s%n", nominal.cores(), measuredPeak / nominal.cores(), measuredPeak);

        // Rounds over every kernel and size, keeping each one's best: a burst of other work on the
        // machine then spoils one round of a measurement, not the measurement.
        Map<String, Measurement> best = new LinkedHashMap<>();
        try (var progress = Progress.start("matmul", (long) rounds * kernels.length * sizes.length)) {
            for (int round = 0; round < rounds; round++) {
                for (Kernel kernel : kernels) {
                    for (int size : sizes) {
                        progress.setExtraMessage(kernel + " n=" + size);
                        if (kernel != Kernel.NAIVE || size <= naiveMax) {
                            Measurement m = MatmulBenchmark.measure(kernel, size, round == 0 ? 0.3 : 0, seconds);
                            best.merge(kernel + " " + size, m, (x, y) -> x.seconds() <= y.seconds() ? x : y);
                        }
                        progress.step();
                    }
                }
            }
        }
        List<Measurement> measurements = new ArrayList<>(best.values());
        List<Measurement> torchMeasurements = noTorch ? List.of() : torch();
        measurements.addAll(torchMeasurements);

        System.out.println();
        System.out.println(MatmulBenchmark.table(measurements).printAll());
        report(measurements, torchMeasurements, nominal, measuredPeak);
        if (plot != null) {
            System.out.println("Plot saved to " + Plots.savePng(MatmulBenchmark.chart(measurements, measuredPeak), plot));
        }
        return 0;
    }

    /** The fastest kernel as a share of the peaks, and against PyTorch size by size. */
    private void report(List<Measurement> all, List<Measurement> torchMeasurements, Peak nominal, double measuredPeak) {
        Map<Integer, Measurement> best = new LinkedHashMap<>();
        for (Measurement m : all) {
            if (!m.kernel().equals("PyTorch")) {
                best.merge(m.size(), m, (x, y) -> x.gflops() >= y.gflops() ? x : y);
            }
        }
        System.out.println();
        for (Measurement m : best.values()) {
            String line = String.format("n=%-5d best %-9s %6.1f GFLOP/s = %3.0f%% of the measured peak", m.size(),
                    m.kernel(), m.gflops(), 100 * m.gflops() / measuredPeak);
            if (!Double.isNaN(nominal.gflops())) {
                line += String.format(", %3.0f%% of the nominal peak", 100 * m.gflops() / nominal.gflops());
            }
            for (Measurement t : torchMeasurements) {
                if (t.size() == m.size()) {
                    line += String.format(", %.2f× PyTorch", m.gflops() / t.gflops());
                }
            }
            System.out.println(line);
        }
    }

    /** Runs the committed PyTorch script with as many threads as the Java pool, if Python and torch are there. */
    private List<Measurement> torch() {
        Path script = findScript();
        if (script == null) {
            System.out.println("PyTorch: skipped, " + TORCH_SCRIPT + " not found (run from the repository)");
            return List.of();
        }
        List<String> pythons = python != null ? List.of(python) : List.of("python3", "/usr/bin/python3");
        String sizeList = Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
        for (String candidate : pythons) {
            try {
                Process process = new ProcessBuilder(candidate, script.toString(), "--threads",
                        Integer.toString(Runtime.getRuntime().availableProcessors()), "--sizes", sizeList,
                        "--seconds", Double.toString(seconds), "--rounds", Integer.toString(rounds))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                List<Measurement> result = new ArrayList<>();
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        if (line.startsWith("#")) {
                            System.out.println("PyTorch: " + line.substring(1).strip() + " (" + candidate + ")");
                        } else {
                            String[] fields = line.strip().split(" ");
                            result.add(new Measurement("PyTorch", Integer.parseInt(fields[0]), Double.parseDouble(fields[1])));
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
