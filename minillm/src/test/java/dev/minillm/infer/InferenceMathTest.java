package dev.minillm.infer;

import dev.minillm.transformer.GPTConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The memory formula, the paged allocator, the batching schedules and the online softmax. */
class InferenceMathTest {

    @Test
    void memoryPerTokenFollowsTheFormula() {
        var gpt2 = KvCacheMemory.of("GPT-2 small", GPTConfig.gpt2());
        assertThat(gpt2.bytesPerToken()).isEqualTo(2L * 12 * 768 * 4);            // 73,728 bytes
        var llama = new KvCacheMemory("7B, fp16", 32, 32, 128, 2);
        assertThat(llama.bytesPerToken()).isEqualTo(524_288);                       // 0.5 MiB per token
        assertThat(llama.bytes(4096, 1)).isEqualTo(2L << 30);                       // 2 GiB for one 4k context
        var gqa = new KvCacheMemory("70B GQA, fp16", 80, 8, 128, 2);
        assertThat(gqa.bytesPerToken()).isEqualTo(327_680);
        var table = KvCacheMemory.table(List.of(gpt2, llama), 4096, 1);
        assertThat(table.rowCount()).isEqualTo(2);
        assertThatThrownBy(() -> new KvCacheMemory("bad", 0, 1, 1, 1)).hasMessageContaining("layers=0");
    }

    @Test
    void pagedBlocksAreAllocatedOnDemandAndReturned() {
        var cache = new PagedKvCache(10, 4);
        assertThat(cache.append(1, 5)).isTrue();                                    // 2 blocks, 3 empty slots
        assertThat(cache.append(2, 4)).isTrue();                                    // 1 block, full
        assertThat(cache.blockTable(1)).containsExactly(0, 1);
        assertThat(cache.locate(1, 4)).containsExactly(1, 0);
        assertThat(cache.wastedSlots()).isEqualTo(3);
        assertThat(cache.append(1, 3)).isTrue();                                    // fills block 1, no new block
        assertThat(cache.blockTable(1)).hasSize(2);
        assertThat(cache.wastedSlots()).isZero();
        assertThat(cache.append(3, 100)).as("not enough blocks: refused, nothing taken").isFalse();
        assertThat(cache.freeBlocks()).isEqualTo(7);
        cache.free(1);
        assertThat(cache.freeBlocks()).isEqualTo(9);
        assertThat(cache.append(3, 9)).isTrue();
        assertThat(cache.blockTable(3)).doesNotContain(2);                          // block 2 still belongs to sequence 2
        assertThatThrownBy(() -> cache.free(1)).hasMessageContaining("holds no blocks");
        assertThatThrownBy(() -> cache.locate(2, 4)).hasMessageContaining("no position 4");
    }

    @Test
    void continuousBatchingFinishesSoonerWithTheSameWork() {
        int[] lengths = Batching.randomLengths(200, 5, 300, 1);
        for (int batch : new int[] {1, 4, 16}) {
            var fixed = Batching.staticBatching(lengths, batch);
            var continuous = Batching.continuousBatching(lengths, batch);
            long work = java.util.Arrays.stream(lengths).asLongStream().sum();
            assertThat(fixed.busySlots()).isEqualTo(work);
            assertThat(continuous.busySlots()).isEqualTo(work);
            assertThat(continuous.steps()).isLessThanOrEqualTo(fixed.steps());
            assertThat(continuous.steps()).as("never fewer steps than work / batch").isGreaterThanOrEqualTo((int) ((work + batch - 1) / batch));
            for (int r = 0; r < lengths.length; r++) {
                assertThat(fixed.finishStep()[r]).isGreaterThanOrEqualTo(lengths[r]);
                assertThat(continuous.finishStep()[r]).isGreaterThanOrEqualTo(lengths[r]).isLessThanOrEqualTo(continuous.steps());
            }
            if (batch == 1) {
                assertThat(continuous.steps()).isEqualTo(fixed.steps());
            }
        }
        var small = Batching.continuousBatching(new int[] {3, 1, 2}, 2);            // slots: [0,1] → 1 ends at 1, 2 joins
        assertThat(small.finishStep()).containsExactly(3, 1, 3);
        assertThat(small.steps()).isEqualTo(3);
        assertThat(Batching.staticBatching(new int[] {3, 1, 2}, 2).finishStep()).containsExactly(3, 1, 5);
        assertThatThrownBy(() -> Batching.staticBatching(new int[] {0}, 1)).hasMessageContaining("at least one");
    }

    @Test
    void theOnlineSoftmaxGivesPlainAttentionForEveryTileSize() {
        var random = new SplittableRandom(2);
        for (int length : new int[] {1, 7, 64, 300}) {
            float[] q = new float[16], keys = new float[length * 16], values = new float[length * 8];
            for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian();
            for (int i = 0; i < keys.length; i++) keys[i] = (float) random.nextGaussian() * 3;
            for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
            float[] mask = new float[length];
            for (int j = 0; j < length; j++) mask[j] = random.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : 0f;
            mask[length - 1] = 0f;
            for (float[] m : new float[][] {null, mask}) {
                float[] expected = OnlineSoftmax.plain(q, keys, values, length, 0.25f, m);
                for (int tile : new int[] {1, 3, 16, 1000}) {
                    float[] actual = OnlineSoftmax.tiled(q, keys, values, length, 0.25f, m, tile);
                    for (int e = 0; e < 8; e++) {
                        assertThat(actual[e]).as("T=%d tile=%d", length, tile).isCloseTo(expected[e], within(1e-5f));
                    }
                }
            }
        }
        float[] allMasked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThat(OnlineSoftmax.tiled(new float[] {1}, new float[] {1, 2}, new float[] {5, 6}, 2, 1f, allMasked, 1))
                .containsExactly(0f);
        assertThatThrownBy(() -> OnlineSoftmax.tiled(new float[1], new float[1], new float[1], 1, 1f, null, 0))
                .hasMessageContaining("tile");
    }
}
