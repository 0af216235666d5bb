package dev.minillm.tokenize;

import java.util.Arrays;

/**
 * A map from a pair of token ids to a number (a merge rank, a pair count), for the fast paths.
 *
 * <p>The readable code uses {@code Map<Pair, Integer>}; this does the same job without creating an
 * object per lookup. The pair (left, right) is packed into one long, {@code left << 32 | right},
 * and stored in an open-addressing table: a key lives in the first free slot at or after its hash.
 */
final class PairMap {

    /** Marks a free slot: no real key is negative, since ids are not. */
    private static final long FREE = -1;

    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    PairMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedSize * 2) - 1) << 1; // load factor <= 1/2
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, FREE);
        mask = capacity - 1;
    }

    /** Receives one stored pair and its value. */
    @FunctionalInterface
    interface Entry {
        void accept(long key, long value);
    }

    static long key(int left, int right) {
        return (long) left << 32 | right;
    }

    static int left(long key) {
        return (int) (key >>> 32);
    }

    static int right(long key) {
        return (int) key;
    }

    /** The value stored for the pair, or {@code missing} when there is none. */
    long get(long key, long missing) {
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == FREE) {
                return missing;
            }
            slot = slot + 1 & mask;
        }
    }

    void put(long key, long value) {
        int slot = find(key);
        values[slot] = value;
    }

    /** Adds {@code delta} to the pair's value (0 when absent) and returns the new value. */
    long add(long key, long delta) {
        int slot = find(key);
        values[slot] += delta;
        return values[slot];
    }

    int size() {
        return size;
    }

    /** Calls {@code action} for every stored pair, in table order. */
    void forEach(Entry action) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != FREE) {
                action.accept(keys[slot], values[slot]);
            }
        }
    }

    /** The slot holding the key, inserting it with value 0 if absent. */
    private int find(long key) {
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return slot;
            }
            if (k == FREE) {
                if (2 * (size + 1) > keys.length) {
                    grow();
                    return find(key);
                }
                keys[slot] = key;
                values[slot] = 0;
                size++;
                return slot;
            }
            slot = slot + 1 & mask;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing: nearby ids land far apart
        return (int) (h ^ h >>> 32) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, FREE);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
