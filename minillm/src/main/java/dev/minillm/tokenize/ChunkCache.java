package dev.minillm.tokenize;

/**
 * The BPE fast path's memory of chunks it has encoded: chunk text to token ids.
 *
 * <p>Most chunks of a text are words seen before ({@code " the"}, {@code ","}), so remembering
 * their ids skips the merging. A {@code HashMap<String, int[]>} would do, but every lookup would
 * first copy the chunk out of the text into a new String; this table hashes and compares the
 * chunk where it lies, so a hit allocates nothing. Open addressing: an entry sits in the first free
 * slot at or after its hash. Not thread-safe: each thread gets its own (see {@link BpeTokenizer}).
 */
final class ChunkCache {

    private final int limit;
    private String[] keys = new String[1024];
    private int[] hashes = new int[1024];
    private int[][] values = new int[1024][];
    private int size;

    /** @param limit at most this many chunks are kept; later ones are encoded every time */
    ChunkCache(int limit) {
        this.limit = limit;
    }

    /** The same hash as {@code text.substring(start, end).hashCode()}, without the substring. */
    static int hash(CharSequence text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    /** The ids stored for {@code text[start, end)}, or null. */
    int[] get(String text, int start, int end, int hash) {
        int mask = keys.length - 1;
        for (int slot = spread(hash) & mask; keys[slot] != null; slot = slot + 1 & mask) {
            String key = keys[slot];
            if (hashes[slot] == hash && key.length() == end - start && text.regionMatches(start, key, 0, key.length())) {
                return values[slot];
            }
        }
        return null;
    }

    /** Remembers the ids of a chunk, unless the cache is full. */
    void put(String key, int hash, int[] ids) {
        if (size >= limit) {
            return;
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        insert(key, hash, ids);
        size++;
    }

    private void insert(String key, int hash, int[] ids) {
        int mask = keys.length - 1;
        int slot = spread(hash) & mask;
        while (keys[slot] != null) {
            slot = slot + 1 & mask;
        }
        keys[slot] = key;
        hashes[slot] = hash;
        values[slot] = ids;
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldHashes = hashes;
        int[][] oldValues = values;
        keys = new String[oldKeys.length * 2];
        hashes = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2][];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldHashes[i], oldValues[i]);
            }
        }
    }

    private static int spread(int hash) {
        return hash ^ hash >>> 16; // String hashes of short words differ mostly in their low bits
    }
}
