package dev.minillm.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where training batches come from. {@link #batch(long)} depends only on the step number (and the
 * seed), never on earlier calls: a run resumed at step s sees exactly the batches an uninterrupted
 * run would have seen.
 */
public interface BatchSampler {

    /** The batch for training step {@code step} (0, 1, 2, ...). */
    Batch batch(long step);

    /** Random windows of {@code blockSize} + 1 tokens, as nanoGPT's {@code get_batch}; see {@link RandomWindows}. */
    static BatchSampler randomWindows(int[] tokens, int batchSize, int blockSize, long seed) {
        return new RandomWindows(tokens, batchSize, blockSize, seed);
    }

    /** B streams read front to back in chunks of {@code blockSize}; see {@link ContiguousStreams}. */
    static BatchSampler contiguousStreams(int[] tokens, int batchSize, int blockSize) {
        return new ContiguousStreams(tokens, batchSize, blockSize);
    }

    /**
     * Each row is a window starting at a random position: {@code inputs = tokens[i .. i+T)},
     * {@code targets = tokens[i+1 .. i+T]}. Rows are independent, so any model can train on them.
     */
    final class RandomWindows implements BatchSampler {
        private final int[] tokens;
        private final int batchSize, blockSize;
        private final long seed;

        /** @throws IllegalArgumentException if the stream is shorter than one window of blockSize + 1 tokens */
        public RandomWindows(int[] tokens, int batchSize, int blockSize, long seed) {
            checkSizes(tokens, batchSize, blockSize);
            this.tokens = tokens;
            this.batchSize = batchSize;
            this.blockSize = blockSize;
            this.seed = seed;
        }

        @Override
        public Batch batch(long step) {
            var random = new SplittableRandom(stepSeed(seed, step));
            int[][] inputs = new int[batchSize][], targets = new int[batchSize][];
            for (int b = 0; b < batchSize; b++) {
                int start = random.nextInt(tokens.length - blockSize); // the window [start, start + T] fits
                inputs[b] = Arrays.copyOfRange(tokens, start, start + blockSize);
                targets[b] = Arrays.copyOfRange(tokens, start + 1, start + blockSize + 1);
            }
            return new Batch(inputs, targets, false);
        }
    }

    /**
     * The stream cut into B equal parts, one per row; step s reads the s-th chunk of T tokens of
     * every part, wrapping around at the end. Each batch continues the previous one row by row
     * ({@link Batch#continues()}), so a recurrent model can carry its hidden state across batches
     * while backpropagating only through the current chunk: truncated backpropagation through
     * time (截断的随时间反向传播).
     */
    final class ContiguousStreams implements BatchSampler {
        private final int[] tokens;
        private final int batchSize, blockSize, streamLength, chunks;

        /** @throws IllegalArgumentException if each of the B parts is shorter than one chunk of blockSize + 1 tokens */
        public ContiguousStreams(int[] tokens, int batchSize, int blockSize) {
            checkSizes(tokens, batchSize, blockSize);
            this.tokens = tokens;
            this.batchSize = batchSize;
            this.blockSize = blockSize;
            this.streamLength = (tokens.length - 1) / batchSize; // the last token is only ever a target
            this.chunks = streamLength / blockSize;
            if (chunks == 0) {
                throw new IllegalArgumentException("contiguous streams: " + tokens.length + " tokens make " + batchSize
                        + " streams of " + streamLength + " tokens, shorter than one block of " + blockSize
                        + ": use a smaller batch or block size, or more text");
            }
        }

        @Override
        public Batch batch(long step) {
            int chunk = (int) (step % chunks);
            int[][] inputs = new int[batchSize][], targets = new int[batchSize][];
            for (int b = 0; b < batchSize; b++) {
                int start = b * streamLength + chunk * blockSize;
                inputs[b] = Arrays.copyOfRange(tokens, start, start + blockSize);
                targets[b] = Arrays.copyOfRange(tokens, start + 1, start + blockSize + 1);
            }
            return new Batch(inputs, targets, chunk > 0); // chunk 0 starts the streams again
        }

        /** How many steps one pass over the text takes. */
        public int chunksPerPass() {
            return chunks;
        }
    }

    private static void checkSizes(int[] tokens, int batchSize, int blockSize) {
        if (batchSize < 1 || blockSize < 1) {
            throw new IllegalArgumentException("batch size and block size must be positive, got " + batchSize
                    + " and " + blockSize);
        }
        if (tokens.length < blockSize + 1) {
            throw new IllegalArgumentException("a stream of " + tokens.length + " tokens is shorter than one window of "
                    + (blockSize + 1) + " (block size " + blockSize + " + 1 target): use a smaller block size or more text");
        }
    }

    /** A well-mixed seed for one step (SplitMix64's finaliser), so neighbouring steps get unrelated batches. */
    private static long stepSeed(long seed, long step) {
        long z = seed + (step + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
