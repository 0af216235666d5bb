package dev.minillm.tensor;

import dev.minillm.common.Simd;
import dev.minillm.tensor.Matmul.Kernel;
import dev.minillm.tensor.MatmulBenchmark.FmaPeak;
import dev.minillm.tensor.MatmulBenchmark.Measurement;
import dev.minillm.tensor.OpsBenchmark.Op;
import dev.minillm.tensor.OpsBenchmark.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The benchmark code runs on tiny sizes and formats its tables. Times are never asserted, only that they exist. */
class BenchmarkTest {

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everyKernelIsTimedOnATinySize(Kernel kernel) {
        Measurement m = MatmulBenchmark.measure(kernel, 8, 0.001, 0.001);
        assertThat(m.kernel()).isEqualTo(kernel.name());
        assertThat(m.size()).isEqualTo(8);
        assertThat(m.threads()).isEqualTo(kernel == Kernel.PARALLEL ? Runtime.getRuntime().availableProcessors() : 1);
        assertThat(m.seconds()).isPositive().isFinite();
    }

    @Test
    void gflopsCountTwoOperationsPerMultiplyAdd() {
        // 2·100³ operations in a millisecond: 2·10⁶ / 10⁻³ = 2·10⁹ per second
        assertThat(new Measurement("X", 1, 100, 1e-3).gflops()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void outsideLibrariesAreLabelledWithTheirThreads() {
        assertThat(new Measurement(Kernel.SIMD, 64, 1).label()).isEqualTo("SIMD");
        assertThat(new Measurement("PyTorch", 2, 64, 1).label()).isEqualTo("PyTorch 2T");
    }

    @Test
    void slowKernelsStopAtTheirLargestSize() {
        assertThat(MatmulBenchmark.largestSize(Kernel.NAIVE, 512, 1024)).isEqualTo(512);
        assertThat(MatmulBenchmark.largestSize(Kernel.BLOCKED, 512, 1024)).isEqualTo(1024);
        assertThat(MatmulBenchmark.largestSize(Kernel.PARALLEL, 512, 1024)).isGreaterThanOrEqualTo(2048);
    }

    @Test
    void theFmaPeakIsMeasuredOnOneAndOnAllCores() {
        FmaPeak peak = MatmulBenchmark.measureFmaPeaks(1000, 2);
        assertThat(peak.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        if (Simd.AVAILABLE) {
            assertThat(peak.oneCore()).isPositive().isFinite();
            assertThat(peak.allCores()).isPositive().isFinite();
            assertThat(peak.describe()).contains("GFLOP/s on 1 core");
        } else {
            assertThat(peak.oneCore()).isNaN();
        }
    }

    @Test
    void theGflopsTableHasOneRowPerSizeAndBlanksForMissingOnes() {
        List<Measurement> measurements = List.of(
                new Measurement(Kernel.NAIVE, 64, 2.0 * 64 * 64 * 64 / 1e9),   // 1 GFLOP/s
                new Measurement(Kernel.SIMD, 64, 2.0 * 64 * 64 * 64 / 50e9),   // 50 GFLOP/s
                new Measurement(Kernel.SIMD, 2048, 2.0 * 2048 * 2048 * 2048 / 80e9),
                new Measurement("PyTorch", 1, 64, 2.0 * 64 * 64 * 64 / 40e9));
        var table = MatmulBenchmark.table(measurements);
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.columnNames()).containsExactly("n", "NAIVE", "SIMD", "PyTorch 1T");
        String printed = table.printAll();
        assertThat(printed).contains("2048", "50.0", "80.0", "40.0");
    }

    @Test
    void thePeakTableHoldsSimdAgainstOneCoreAndParallelAgainstAllCores() {
        FmaPeak peak = new FmaPeak(100, 2, 200);
        int n = 1024;
        double work = 2.0 * n * n * n;
        List<Measurement> measurements = List.of(
                new Measurement("SIMD", 1, n, work / 70e9),         // 70% of 100
                new Measurement("PARALLEL", 2, n, work / 130e9),    // 65% of 200
                new Measurement("BLOCKED", 1, n, work / 10e9),      // not in the peak table
                new Measurement("PyTorch", 1, n, work / 90e9),      // 90% of 100
                new Measurement("PyTorch", 2, n, work / 180e9));    // 90% of 200
        var table = MatmulBenchmark.peakTable(measurements, peak);
        assertThat(table.columnNames()).containsExactly("n",
                "SIMD GFLOP/s", "SIMD % of 1-core peak", "PyTorch 1T % of 1-core peak",
                "PARALLEL GFLOP/s", "PARALLEL % of 2-core peak", "PyTorch 2T % of 2-core peak");
        assertThat(table.rowCount()).isEqualTo(1);
        assertThat(table.doubleColumn("SIMD % of 1-core peak").get(0)).isCloseTo(70, within(1e-6));
        assertThat(table.doubleColumn("PARALLEL % of 2-core peak").get(0)).isCloseTo(65, within(1e-6));
        assertThat(table.printAll()).contains("1024", "70", "65", "130.0", "1 core: 100.0 GFLOP/s");
    }

    @Test
    void theChartHasALinePerSeriesAndThePeaks() {
        List<Measurement> measurements = List.of(new Measurement(Kernel.SIMD, 64, 1e-4), new Measurement(Kernel.SIMD, 128, 1e-3));
        var chart = MatmulBenchmark.chart(measurements, new FmaPeak(100, 2, 200));
        assertThat(chart.getSeriesMap()).containsKeys("SIMD", "FMA peak, 1 core", "FMA peak, 2 cores");
    }

    @ParameterizedTest
    @EnumSource(Op.class)
    void everyOpIsTimedOnATinyTensor(Op op) {
        Result r = OpsBenchmark.measure(op, 4, 16, 0.001, 0.001);
        assertThat(r.seconds()).isPositive().isFinite();
        assertThat(r.threads()).isEqualTo(1); // 64 elements: too few to split over threads
        assertThat(r.bytes()).isGreaterThanOrEqualTo(2L * 4 * 16 * Float.BYTES);
    }

    @Test
    void bytesCountEachInputReadOnceAndEachOutputWrittenOnce() {
        assertThat(Op.COPY_ARRAYCOPY.bytes(10, 100)).isEqualTo(8_000);        // read + write, 4 bytes each
        assertThat(Op.SOFTMAX.bytes(10, 100)).isEqualTo(8_000);
        assertThat(Op.SOFTMAX_BACKWARD.bytes(10, 100)).isEqualTo(20_000);     // + read g and y, write dx
        assertThat(Op.LAYER_NORM.bytes(10, 100)).isEqualTo(8_000 + 800);      // + weight and bias
        assertThat(Op.LAYER_NORM_BACKWARD.bytes(10, 100)).isEqualTo(20_000 + 1_600);
        assertThat(new Result(Op.SOFTMAX, 10, 100, 1e-6).gbPerSecond()).isCloseTo(8.0, within(1e-9));
    }

    @Test
    void theOpsTableComparesEachOpWithTheCopyOnAsManyThreads() {
        List<Result> results = Arrays.stream(Op.values()).map(op -> new Result(op, 4, 16, 1e-6)).toList();
        var table = OpsBenchmark.table(results);
        assertThat(table.rowCount()).isEqualTo(Op.values().length);
        assertThat(table.columnNames()).containsExactly("operation", "threads", "MB moved", "ms", "GB/s", "% of copy");
        assertThat(table.stringColumn("operation").asList()).contains("softmax (last axis) forward", "layerNorm forward");
        // softmax moves as many bytes as the copy in the same time: 100% of it
        assertThat(table.doubleColumn("% of copy").get(Op.SOFTMAX.ordinal())).isCloseTo(100, within(1e-6));
        assertThat(table.printAll()).contains("(4 × 16)", "GB/s");
    }

    @Test
    void anEmptyTensorIsRefusedWithTheReason() {
        assertThatThrownBy(() -> OpsBenchmark.measure(Op.SOFTMAX, 0, 16, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows and cols must be positive");
    }
}
