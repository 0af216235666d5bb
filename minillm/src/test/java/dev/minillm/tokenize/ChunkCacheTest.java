package dev.minillm.tokenize;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast paths' two hash tables. */
class ChunkCacheTest {

    @Test
    void chunksAreFoundWhereTheyLieInTheText() {
        var cache = new ChunkCache(10_000);
        String text = "the cat and the hat";
        assertThat(ChunkCache.hash(text, 4, 7)).isEqualTo("cat".hashCode());
        cache.put("the", "the".hashCode(), new int[] {1});
        cache.put(" hat", " hat".hashCode(), new int[] {2, 3});
        assertThat(cache.get(text, 12, 15, ChunkCache.hash(text, 12, 15))).containsExactly(1);
        assertThat(cache.get(text, 15, 19, ChunkCache.hash(text, 15, 19))).containsExactly(2, 3);
        assertThat(cache.get(text, 4, 7, ChunkCache.hash(text, 4, 7))).isNull();
        for (int i = 0; i < 5000; i++) { // grows past its first size
            cache.put("w" + i, ("w" + i).hashCode(), new int[] {i});
        }
        assertThat(cache.get("xw4321", 1, 6, "w4321".hashCode())).containsExactly(4321);
    }

    @Test
    void aFullCacheStopsRemembering() {
        var cache = new ChunkCache(2);
        cache.put("a", "a".hashCode(), new int[] {1});
        cache.put("b", "b".hashCode(), new int[] {2});
        cache.put("c", "c".hashCode(), new int[] {3});
        assertThat(cache.get("c", 0, 1, "c".hashCode())).isNull();
        assertThat(cache.get("a", 0, 1, "a".hashCode())).containsExactly(1);
    }

    @Test
    void pairMapCountsAndGrows() {
        var map = new PairMap(4);
        for (int i = 0; i < 1000; i++) {
            map.add(PairMap.key(i, i + 1), 2);
            map.add(PairMap.key(i, i + 1), 3);
        }
        assertThat(map.size()).isEqualTo(1000);
        assertThat(map.get(PairMap.key(500, 501), -1)).isEqualTo(5);
        assertThat(map.get(PairMap.key(501, 500), -1)).isEqualTo(-1);
        long key = PairMap.key(70_000, 3);
        assertThat(PairMap.left(key)).isEqualTo(70_000);
        assertThat(PairMap.right(key)).isEqualTo(3);
    }
}
