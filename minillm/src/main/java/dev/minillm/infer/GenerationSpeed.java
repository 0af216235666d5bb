package dev.minillm.infer;

import dev.minillm.generate.CausalModel;
import dev.minillm.generate.GenerationSettings;
import dev.minillm.generate.Generator;
import dev.minillm.generate.GptModel;
import dev.minillm.generate.SamplerSettings;
import dev.minillm.transformer.GPT;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Generation speed with and without the KV cache: the time to write texts of growing length
 * from a one-token prompt, greedy, the best of a few rounds. Without the cache each new token
 * re-runs the whole text so far, so tokens per second fall as the text grows; with it they stay
 * nearly flat.
 */
public final class GenerationSpeed {

    /**
     * @param length tokens generated
     * @param plainTokensPerSecond without the cache ({@link GptModel})
     * @param cachedTokensPerSecond with it ({@link KvCacheModel})
     */
    public record Row(int length, double plainTokensPerSecond, double cachedTokensPerSecond) {
        public double speedup() {
            return cachedTokensPerSecond / plainTokensPerSecond;
        }
    }

    private GenerationSpeed() {}

    /** Measures each length (each ≤ blockSize - 1) with both models, best of {@code rounds} after a warm-up. */
    public static Row measure(GPT gpt, int length, int rounds) {
        var plain = new GptModel(gpt);
        var cached = new KvCacheModel(gpt);
        tokensPerSecond(plain, Math.min(length, 32), 1);                     // warm up the JIT
        tokensPerSecond(cached, Math.min(length, 32), 1);
        return new Row(length, tokensPerSecond(plain, length, rounds), tokensPerSecond(cached, length, rounds));
    }

    private static double tokensPerSecond(CausalModel model, int length, int rounds) {
        double best = Double.POSITIVE_INFINITY;
        var settings = GenerationSettings.of(length, SamplerSettings.greedy());
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            new Generator(model).generate(new int[] {0}, settings, 0);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return length / best;
    }

    /** The rows as a table. */
    public static Table table(String title, java.util.List<Row> rows) {
        var length = IntColumn.create("tokens generated");
        var plain = DoubleColumn.create("no cache (tokens/s)");
        var cached = DoubleColumn.create("KV cache (tokens/s)");
        var speedup = DoubleColumn.create("speed-up");
        for (Row r : rows) {
            length.append(r.length());
            plain.append(Math.round(r.plainTokensPerSecond()));
            cached.append(Math.round(r.cachedTokensPerSecond()));
            speedup.append(Math.round(r.speedup() * 10) / 10.0);
        }
        return Table.create(title, length, plain, cached, speedup);
    }
}
