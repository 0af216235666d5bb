package dev.minillm.tensor;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures the row-wise ops of a transformer block, softmax and layer norm, in GB/s against a
 * plain memory copy of the same bytes. Unlike a matmul, which does n operations per number it
 * reads, these do a handful: their speed limit is how fast memory (or the cache) delivers the
 * numbers, and a copy is the fastest anything can read and write them.
 *
 * <p>The bytes counted are the least any implementation must move, float32 each: the inputs read
 * once and the outputs written once (the copy: read the source, write the destination). An op
 * that reads its input twice, or allocates a fresh output that the JVM zeroes first, moves more
 * than that and shows as a lower figure. Timings are printed figures, never test assertions.
 */
public final class OpsBenchmark {

    /** What is timed. The ops run through the {@link Tensor} API, on every core for large tensors. */
    public enum Op {
        /** The baseline on one thread: the JDK's own copy, as fast as one core copies. */
        COPY_ARRAYCOPY("copy: System.arraycopy", false),
        /** The baseline as a learner writes it: dst[i] = src[i], which the JIT turns into SIMD copies. */
        COPY_LOOP("copy: plain loop", false),
        /** The baseline for the parallel ops: System.arraycopy of the rows, split over every core like the ops. */
        COPY_PARALLEL("copy: System.arraycopy by rows", true),
        /** {@code x.softmax()} over the last axis: reads x, writes y. */
        SOFTMAX("softmax (last axis) forward", true),
        /** {@code x.softmax().backward(g)}: the forward, then reads g and y, writes dx. */
        SOFTMAX_BACKWARD("softmax forward + backward", true),
        /** {@code x.layerNorm(w, b, 1e-5)}: reads x (and w, b), writes y. */
        LAYER_NORM("layerNorm forward", true),
        /** {@code x.layerNorm(w, b, 1e-5).backward(g)}: the forward, then reads g and x, writes dx, dw and db. */
        LAYER_NORM_BACKWARD("layerNorm forward + backward", true);

        private final String description;
        private final boolean parallel;

        Op(String description, boolean parallel) {
            this.description = description;
            this.parallel = parallel;
        }

        public String description() {
            return description;
        }

        /** The least number of bytes read plus written for a (rows × cols) float32 input. */
        public long bytes(int rows, int cols) {
            long e = (long) rows * cols, c = cols;
            return Float.BYTES * switch (this) {
                case COPY_ARRAYCOPY, COPY_LOOP, COPY_PARALLEL, SOFTMAX -> 2 * e;          // x in, y out
                case SOFTMAX_BACKWARD -> 2 * e + 3 * e;                                   // + g, y in, dx out
                case LAYER_NORM -> 2 * e + 2 * c;                                         // + w, b in
                case LAYER_NORM_BACKWARD -> (2 * e + 2 * c) + (3 * e + 2 * c);            // + g, x in, dx, dw, db out
            };
        }

        /** Threads it runs on: every core when large enough for {@link Parallel} to split it, else 1. */
        public int threads(int rows, int cols) {
            return parallel && rows >= 2 && (long) rows * cols >= Parallel.THRESHOLD ? WorkerPool.THREADS : 1;
        }
    }

    /** The best time of one op on a (rows × cols) float32 tensor. */
    public record Result(Op op, int rows, int cols, double seconds) {
        public long bytes() {
            return op.bytes(rows, cols);
        }

        /** Bytes moved (at the least) per second, in units of 10⁹. */
        public double gbPerSecond() {
            return bytes() / seconds / 1e9;
        }

        public int threads() {
            return op.threads(rows, cols);
        }

        /** The better (faster) of two results of the same op. */
        public Result min(Result other) {
            return seconds <= other.seconds ? this : other;
        }
    }

    private OpsBenchmark() {}

    /**
     * Warms the op up until the JIT has compiled it, on a tensor of at most {@value #WARMUP_ROWS}
     * rows (at least {@code warmupSeconds}; none for 0), runs it once on the full (rows × cols)
     * tensor, then returns the best of the timed runs (at least 3, for at least {@code seconds}).
     * The tensors are seeded random numbers.
     */
    public static Result measure(Op op, int rows, int cols, double warmupSeconds, double seconds) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("ops benchmark: rows and cols must be positive, got " + rows + " × " + cols);
        }
        if (warmupSeconds > 0) {
            // Small runs: the JIT sees many calls in little time. Still enough rows to go parallel.
            MatmulBenchmark.warmUp(task(op, Math.min(rows, WARMUP_ROWS), cols, new SplittableRandom(1)), warmupSeconds);
        }
        Runnable run = task(op, rows, cols, new SplittableRandom(rows * 31L + cols));
        run.run(); // the first touch of fresh memory costs page faults
        return new Result(op, rows, cols, MatmulBenchmark.timeBest(run, 3, seconds));
    }

    /** Rows of the warm-up tensor: 128 rows of 768 are enough work for {@link Parallel} to use every core. */
    static final int WARMUP_ROWS = 128;

    /** One run of the op, with its data made once, outside the timed runs. */
    private static Runnable task(Op op, int rows, int cols, SplittableRandom random) {
        float[] x = gaussian(random, rows * cols, 0, 1);
        float[] out = new float[x.length];
        return switch (op) {
            case COPY_ARRAYCOPY -> () -> System.arraycopy(x, 0, out, 0, x.length);
            case COPY_LOOP -> () -> {
                for (int i = 0; i < x.length; i++) {
                    out[i] = x[i];
                }
            };
            case COPY_PARALLEL -> () -> Parallel.forRows(rows, cols, r -> System.arraycopy(x, r * cols, out, r * cols, cols));
            case SOFTMAX -> {
                Tensor input = Tensor.of(x, rows, cols);
                yield () -> input.softmax();
            }
            case LAYER_NORM -> {
                Tensor input = Tensor.of(x, rows, cols);
                Tensor weight = Tensor.of(gaussian(random, cols, 1, 0.1f), cols);
                Tensor bias = Tensor.of(gaussian(random, cols, 0, 0.1f), cols);
                yield () -> input.layerNorm(weight, bias, 1e-5f);
            }
            case SOFTMAX_BACKWARD -> {
                Tensor input = Tensor.of(x, rows, cols).requiresGrad(true);
                Tensor gradient = Tensor.of(gaussian(random, x.length, 0, 1), rows, cols);
                yield () -> {
                    input.zeroGrad();
                    input.softmax().backward(gradient);
                };
            }
            case LAYER_NORM_BACKWARD -> {
                Tensor input = Tensor.of(x, rows, cols).requiresGrad(true);
                Tensor weight = Tensor.of(gaussian(random, cols, 1, 0.1f), cols).requiresGrad(true);
                Tensor bias = Tensor.of(gaussian(random, cols, 0, 0.1f), cols).requiresGrad(true);
                Tensor gradient = Tensor.of(gaussian(random, x.length, 0, 1), rows, cols);
                yield () -> {
                    input.zeroGrad();
                    weight.zeroGrad();
                    bias.zeroGrad();
                    input.layerNorm(weight, bias, 1e-5f).backward(gradient);
                };
            }
        };
    }

    private static float[] gaussian(SplittableRandom random, int n, float mean, float std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + std * (float) random.nextGaussian();
        }
        return values;
    }

    /**
     * One row per op: threads, MB moved, best time, GB/s, and the share of the copy's GB/s on the
     * same number of threads (the parallel copy for the parallel ops), when that copy was measured.
     */
    public static Table table(List<Result> results) {
        String shape = results.isEmpty() ? "" : " on (" + results.getFirst().rows() + " × " + results.getFirst().cols() + ")";
        Table table = Table.create("Row-wise ops" + shape + " float32: GB/s = least bytes read + written / best time");
        StringColumn operation = StringColumn.create("operation");
        IntColumn threads = IntColumn.create("threads");
        DoubleColumn megabytes = DoubleColumn.create("MB moved"), millis = DoubleColumn.create("ms");
        DoubleColumn gbs = DoubleColumn.create("GB/s"), share = DoubleColumn.create("% of copy");
        for (Result r : results) {
            operation.append(r.op().description());
            threads.append(r.threads());
            megabytes.append(r.bytes() / 1e6);
            millis.append(r.seconds() * 1e3);
            gbs.append(r.gbPerSecond());
            Result copy = baseline(results, r);
            share.append(copy == null ? Double.NaN : 100 * r.gbPerSecond() / copy.gbPerSecond());
        }
        megabytes.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        millis.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(2));
        gbs.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        share.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(0));
        return table.addColumns(operation, threads, megabytes, millis, gbs, share);
    }

    /** The copy an op is compared with: System.arraycopy on as many threads, the rows split the same way. */
    private static Result baseline(List<Result> results, Result r) {
        Op copy = r.threads() > 1 ? Op.COPY_PARALLEL : Op.COPY_ARRAYCOPY;
        return results.stream().filter(b -> b.op() == copy && b.rows() == r.rows() && b.cols() == r.cols())
                .findFirst().orElse(null);
    }
}
