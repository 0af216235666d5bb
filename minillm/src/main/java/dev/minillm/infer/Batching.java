package dev.minillm.infer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Static against continuous batching (连续批处理), counted in decoding steps. A step runs the model
 * once for every sequence in the batch and gives each one new token; a GPU does a batch of B in
 * about the time of one sequence, so what matters is how many of the B slots do useful work.
 * <ul>
 *   <li>Static batching takes B requests, runs until the longest is done, then takes the next B:
 *       slots whose request finished early sit idle.</li>
 *   <li>Continuous batching (Orca, Yu et al., 2022; vLLM) refills a slot the step after its request
 *       finishes, from the queue in arrival order.</li>
 * </ul>
 */
public final class Batching {

    /**
     * What a schedule cost.
     *
     * @param steps model steps until every request was done
     * @param busySlots slot-steps that produced a token (the sum of all output lengths)
     * @param idleSlots slot-steps wasted: steps × batch − busySlots
     * @param finishStep for each request, the step (1-based) at which its last token came out
     */
    public record Schedule(int steps, long busySlots, long idleSlots, int[] finishStep) {
        /** busy / (busy + idle). */
        public double utilisation() {
            return busySlots / (double) (busySlots + idleSlots);
        }

        /** The mean finishing step: how long a request waits for its whole answer, in steps. */
        public double meanLatency() {
            return java.util.Arrays.stream(finishStep).average().orElse(0);
        }
    }

    private Batching() {}

    /** Groups of {@code batch} requests in arrival order; each group runs until its longest request ends. */
    public static Schedule staticBatching(int[] outputLengths, int batch) {
        check(outputLengths, batch);
        int steps = 0;
        long busy = 0;
        int[] finish = new int[outputLengths.length];
        for (int start = 0; start < outputLengths.length; start += batch) {
            int end = Math.min(outputLengths.length, start + batch), longest = 0;
            for (int r = start; r < end; r++) {
                finish[r] = steps + outputLengths[r];
                busy += outputLengths[r];
                longest = Math.max(longest, outputLengths[r]);
            }
            steps += longest;
        }
        return new Schedule(steps, busy, (long) steps * batch - busy, finish);
    }

    /** Up to {@code batch} requests at a time; a finished one's slot is refilled at the next step, first come first served. */
    public static Schedule continuousBatching(int[] outputLengths, int batch) {
        check(outputLengths, batch);
        Deque<Integer> waiting = new ArrayDeque<>();
        for (int r = 0; r < outputLengths.length; r++) {
            waiting.add(r);
        }
        List<int[]> running = new ArrayList<>();            // {request, tokens still to produce}
        int steps = 0;
        long busy = 0;
        int[] finish = new int[outputLengths.length];
        while (!waiting.isEmpty() || !running.isEmpty()) {
            while (running.size() < batch && !waiting.isEmpty()) {
                int r = waiting.poll();
                running.add(new int[] {r, outputLengths[r]});
            }
            steps++;
            busy += running.size();
            for (int[] slot : running) {
                slot[1]--;
                if (slot[1] == 0) {
                    finish[slot[0]] = steps;
                }
            }
            running.removeIf(slot -> slot[1] == 0);
        }
        return new Schedule(steps, busy, (long) steps * batch - busy, finish);
    }

    /** {@code count} output lengths drawn uniformly from min..max with a seed. */
    public static int[] randomLengths(int count, int min, int max, long seed) {
        return new SplittableRandom(seed).ints(count, min, max + 1).toArray();
    }

    private static void check(int[] outputLengths, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("Batching: batch must be >= 1, got " + batch);
        }
        for (int length : outputLengths) {
            if (length < 1) {
                throw new IllegalArgumentException("Batching: every request needs at least one output token, got " + length);
            }
        }
    }
}
