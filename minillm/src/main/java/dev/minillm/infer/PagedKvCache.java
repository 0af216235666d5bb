package dev.minillm.infer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of a paged KV cache (分页 KV 缓存; PagedAttention, Kwon et al., 2023). GPU memory
 * is cut into fixed-size blocks of {@code blockSize} token slots. A sequence owns a block table,
 * the list of its blocks in order, and gets a new block only when its last one is full, so it
 * wastes at most blockSize - 1 slots, instead of reserving room for the longest possible answer up
 * front as a contiguous cache must. Freed blocks return to a free list for any other sequence.
 *
 * <p>This class does the exact accounting (which block holds which slot); {@link KvCacheModel}
 * keeps its own contiguous arrays.
 */
public final class PagedKvCache {

    private final int blockSize;
    private final int totalBlocks;
    private final Deque<Integer> free = new ArrayDeque<>();
    private final Map<Integer, List<Integer>> tables = new HashMap<>();   // sequence → its blocks
    private final Map<Integer, Integer> lengths = new HashMap<>();        // sequence → tokens stored

    /**
     * @param totalBlocks blocks in the pool
     * @param blockSize token slots per block
     */
    public PagedKvCache(int totalBlocks, int blockSize) {
        if (totalBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("PagedKvCache: need totalBlocks >= 1 and blockSize >= 1, got "
                    + totalBlocks + " and " + blockSize);
        }
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        for (int b = 0; b < totalBlocks; b++) {
            free.add(b);
        }
    }

    /**
     * Stores {@code tokens} more tokens of {@code sequence} (a new sequence starts empty), taking
     * blocks from the free list as the last one fills.
     *
     * @return false, changing nothing, if the free blocks are not enough (the scheduler must wait or preempt)
     */
    public boolean append(int sequence, int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("PagedKvCache: cannot append " + tokens + " tokens");
        }
        int length = lengths.getOrDefault(sequence, 0);
        List<Integer> table = tables.getOrDefault(sequence, List.of());
        int needed = blocksFor(length + tokens) - table.size();
        if (needed > free.size()) {
            return false;
        }
        List<Integer> grown = new ArrayList<>(table);
        for (int i = 0; i < needed; i++) {
            grown.add(free.poll());
        }
        tables.put(sequence, grown);
        lengths.put(sequence, length + tokens);
        return true;
    }

    /** Returns the blocks of a finished sequence to the free list. */
    public void free(int sequence) {
        List<Integer> table = tables.remove(sequence);
        if (table == null) {
            throw new IllegalArgumentException("PagedKvCache: sequence " + sequence + " holds no blocks");
        }
        lengths.remove(sequence);
        free.addAll(table);
    }

    /** Where token {@code position} of {@code sequence} lives: {block, slot}. */
    public int[] locate(int sequence, int position) {
        int length = lengths.getOrDefault(sequence, 0);
        if (position < 0 || position >= length) {
            throw new IllegalArgumentException("PagedKvCache: sequence " + sequence + " has " + length
                    + " tokens, no position " + position);
        }
        return new int[] {tables.get(sequence).get(position / blockSize), position % blockSize};
    }

    /** The blocks of a sequence, in order. */
    public List<Integer> blockTable(int sequence) {
        return List.copyOf(tables.getOrDefault(sequence, List.of()));
    }

    /** Blocks not owned by any sequence. */
    public int freeBlocks() {
        return free.size();
    }

    /** Token slots allocated but empty (the unfilled end of each sequence's last block). */
    public long wastedSlots() {
        long waste = 0;
        for (var entry : lengths.entrySet()) {
            waste += (long) tables.get(entry.getKey()).size() * blockSize - entry.getValue();
        }
        return waste;
    }

    /** Blocks needed for {@code tokens} tokens. */
    public int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Blocks in the pool. */
    public int totalBlocks() {
        return totalBlocks;
    }
}
