package dev.minillm.infer;

import dev.minillm.transformer.GPTConfig;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * How much memory a KV cache takes. Every token stores one key and one value vector per layer and
 * per key-value head:
 * <pre>
 *   bytes per token = 2 (K and V) × layers × kvHeads × headSize × bytes per number
 * </pre>
 * With multi-head attention kvHeads = heads, so kvHeads × headSize = C. Multi-query attention (MQA,
 * one K/V head shared by all query heads) and grouped-query attention (GQA, a few shared K/V heads,
 * as in Llama 2 70B and Llama 3) shrink the cache by heads / kvHeads.
 *
 * @param name a label
 * @param layers L
 * @param kvHeads heads that have their own keys and values
 * @param headSize hs
 * @param bytesPerNumber 4 for float32, 2 for float16/bfloat16, 1 for int8
 */
public record KvCacheMemory(String name, int layers, int kvHeads, int headSize, int bytesPerNumber) {

    public KvCacheMemory {
        if (layers < 1 || kvHeads < 1 || headSize < 1 || bytesPerNumber < 1) {
            throw new IllegalArgumentException("KvCacheMemory: every size must be >= 1, got layers=" + layers
                    + ", kvHeads=" + kvHeads + ", headSize=" + headSize + ", bytesPerNumber=" + bytesPerNumber);
        }
    }

    /** The cache of a course GPT in float32 (what {@link KvCacheModel} stores). */
    public static KvCacheMemory of(String name, GPTConfig config) {
        return new KvCacheMemory(name, config.layers(), config.heads(), config.headSize(), Float.BYTES);
    }

    /** 2 × layers × kvHeads × headSize × bytes. */
    public long bytesPerToken() {
        return 2L * layers * kvHeads * headSize * bytesPerNumber;
    }

    /** For a batch of sequences of a given length. */
    public long bytes(long tokens, long batch) {
        return bytesPerToken() * tokens * batch;
    }

    /** One row per configuration: bytes per token, and GiB for a batch at a context length. */
    public static Table table(List<KvCacheMemory> configs, int context, int batch) {
        var name = StringColumn.create("model");
        var perToken = LongColumn.create("bytes per token");
        var total = DoubleColumn.create(String.format(java.util.Locale.ROOT, "GiB for %d × %,d tokens", batch, context));
        for (KvCacheMemory c : configs) {
            name.append(c.name());
            perToken.append(c.bytesPerToken());
            total.append(Math.round(c.bytes(context, batch) / (double) (1L << 30) * 1000) / 1000.0);
        }
        return Table.create("KV cache memory", name, perToken, total);
    }
}
