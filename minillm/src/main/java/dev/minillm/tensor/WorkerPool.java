package dev.minillm.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The persistent pool of worker threads behind every parallel loop of the engine ({@link
 * Matmul.Kernel#PARALLEL} and {@link Parallel}): one thread per core, started once and kept. Starting threads, or handing every row to a parallel stream, costs tens
 * of microseconds per call, as much as a whole 128×128 multiplication; here a call wakes sleeping
 * workers and the caller works too.
 *
 * <p>{@link #run} splits a job into numbered parts that workers take in turn. Which thread runs
 * which part varies from call to call, so a part must compute the same thing whoever runs it: in
 * matmul each part owns a band of C. When the pool is busy (another thread's matmul, or a matmul
 * inside a part), the caller runs all the parts itself: same result, no deadlock.
 */
final class WorkerPool {

    /** Threads that work on a job: the workers and the caller. */
    static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** How long an idle worker keeps checking for new work before it sleeps: matmuls come in bursts. */
    private static final long SPIN_NANOS = 50_000;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final AtomicReference<Job> CURRENT = new AtomicReference<>();
    private static final Thread[] WORKERS = new Thread[THREADS - 1];

    static {
        for (int w = 0; w < WORKERS.length; w++) {
            WORKERS[w] = Thread.ofPlatform().daemon().name("minillm-worker-" + (w + 1)).start(WorkerPool::work);
        }
    }

    private WorkerPool() {}

    /** Runs {@code part.accept(0 .. parts-1)}, spread over the workers and the caller; returns when all are done. */
    static void run(int parts, IntConsumer part) {
        // BUSY also covers a matmul called from inside a part: its job holds the pool.
        if (parts <= 1 || WORKERS.length == 0 || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        try {
            Job job = new Job(parts, part, Thread.currentThread());
            CURRENT.set(job);
            for (Thread worker : WORKERS) {
                LockSupport.unpark(worker);
            }
            job.help();
            while (job.done.get() < parts) {
                LockSupport.park(job);
            }
            CURRENT.set(null); // let go of the job's arrays
            switch (job.failure.get()) {
                case null -> { }
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(job.failure.get());
            }
        } finally {
            BUSY.set(false);
        }
    }

    /** A worker's life: wait for a job it has not seen, help with it, repeat. */
    private static void work() {
        Job seen = null;
        while (true) {
            Job job = CURRENT.get();
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (job == seen || job == null) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(); // run() unparks after publishing, so a wake-up is never lost
                }
                job = CURRENT.get();
            }
            seen = job;
            job.help();
        }
    }

    /** One call of {@link #run}: parts are handed out by a counter, so each runs exactly once. */
    private static final class Job {
        final int parts;
        final IntConsumer part;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int parts, IntConsumer part, Thread caller) {
            this.parts = parts;
            this.part = part;
            this.caller = caller;
        }

        void help() {
            for (int i; (i = next.getAndIncrement()) < parts; ) {
                try {
                    part.accept(i);
                } catch (RuntimeException | Error e) { // rethrown by the caller once every part is done
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == parts) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
