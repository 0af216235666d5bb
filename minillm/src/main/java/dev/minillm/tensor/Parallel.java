package dev.minillm.tensor;

import java.util.function.IntConsumer;

/**
 * The one helper for parallel loops: large jobs are cut into a few chunks per core and run on the
 * {@link WorkerPool}; small ones run on the calling thread, where handing work to other threads would cost more than it saves.
 * Each index is handled by exactly one thread, so the results never depend on scheduling.
 */
public final class Parallel {

    /** Below this many elements of work, one thread is faster. */
    static final long THRESHOLD = 1 << 16;

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private Parallel() {}

    /** A loop body over the indices [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over [0, n), split into chunks run in parallel when n is large. */
    public static void forRange(int n, Range body) {
        forChunks(n, n, body);
    }

    /** Calls {@code row.accept(r)} for r = 0 .. rows-1, in parallel when rows × rowLength is large. */
    public static void forRows(int rows, int rowLength, IntConsumer row) {
        forChunks(rows, (long) rows * rowLength, (from, to) -> {
            for (int r = from; r < to; r++) {
                row.accept(r);
            }
        });
    }

    private static void forChunks(int n, long work, Range body) {
        if (CORES == 1 || n < 2 || work < THRESHOLD) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(4L * CORES, work / (THRESHOLD / 4)));
        WorkerPool.run(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }
}
