package dev.minillm.generate;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Measures speculative decoding against plain decoding on the same prompts: acceptance rate and
 * new tokens per target call (exact, the same on every machine) and tokens per second (measured,
 * the best of several rounds, so it varies with the machine and its load).
 */
public final class SpeculationBenchmark {

    /**
     * One configuration's figures.
     *
     * @param method "plain", "draft model" or "prompt lookup"
     * @param gamma guesses per round (0 for plain)
     * @param acceptanceRate accepted / proposed guesses
     * @param tokensPerTargetCall new tokens per target-model call
     * @param tokensPerSecond new tokens per second, best round
     * @param speedup tokensPerSecond / plain's
     */
    public record Row(String method, int gamma, double acceptanceRate, double tokensPerTargetCall, double tokensPerSecond,
                      double speedup) {}

    private SpeculationBenchmark() {}

    /**
     * Plain decoding, then the draft model and prompt lookup at each γ, over every prompt.
     *
     * @param rounds timing rounds after one warm-up pass; the best counts
     */
    public static List<Row> run(CausalModel target, CausalModel draft, List<int[]> prompts, int newTokens,
                                SamplerSettings settings, int[] gammas, int rounds) {
        List<Row> rows = new ArrayList<>();
        measure("warm-up", 0, 1, prompts, newTokens, () -> null, target, settings);   // let the JIT compile first
        Row plain = measure("plain", 0, rounds, prompts, newTokens, () -> null, target, settings);
        rows.add(plain);
        for (int gamma : gammas) {
            for (String method : List.of("draft model", "prompt lookup")) {
                Supplier<SpeculativeDecoding> decoder = () -> new SpeculativeDecoding(target,
                        method.equals("draft model") ? Drafter.model(draft) : Drafter.promptLookup(3), gamma);
                Row row = measure(method, gamma, rounds, prompts, newTokens, decoder, target, settings);
                rows.add(new Row(row.method(), gamma, row.acceptanceRate(), row.tokensPerTargetCall(),
                        row.tokensPerSecond(), row.tokensPerSecond() / plain.tokensPerSecond()));
            }
        }
        return rows;
    }

    private static Row measure(String method, int gamma, int rounds, List<int[]> prompts, int newTokens,
                               Supplier<SpeculativeDecoding> decoder, CausalModel target, SamplerSettings settings) {
        double bestSeconds = Double.POSITIVE_INFINITY;
        long proposed = 0, accepted = 0, tokens = 0, calls = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            proposed = accepted = tokens = calls = 0;
            for (int p = 0; p < prompts.size(); p++) {
                SpeculativeDecoding speculative = decoder.get();
                if (speculative == null) {
                    var g = new Generator(target).generate(prompts.get(p), GenerationSettings.of(newTokens, settings), p);
                    tokens += g.tokens().length;
                    calls += g.modelCalls();
                } else {
                    var r = speculative.generate(prompts.get(p), newTokens, settings, p);
                    proposed += r.proposed();
                    accepted += r.accepted();
                    tokens += r.tokens().length;
                    calls += r.targetCalls();
                }
            }
            bestSeconds = Math.min(bestSeconds, (System.nanoTime() - start) / 1e9);
        }
        return new Row(method, gamma, proposed == 0 ? Double.NaN : (double) accepted / proposed,
                (double) tokens / calls, tokens / bestSeconds, 1.0);
    }

    /** The rows as a table, rounded for reading. */
    public static Table table(String title, List<Row> rows) {
        var method = StringColumn.create("method");
        var gamma = IntColumn.create("γ");
        var acceptance = DoubleColumn.create("acceptance");
        var perCall = DoubleColumn.create("tokens / target call");
        var speed = DoubleColumn.create("tokens/s");
        var speedup = DoubleColumn.create("speed-up");
        for (Row r : rows) {
            method.append(r.method());
            gamma.append(r.gamma());
            acceptance.append(Math.round(r.acceptanceRate() * 100) / 100.0);
            perCall.append(Math.round(r.tokensPerTargetCall() * 100) / 100.0);
            speed.append(Math.round(r.tokensPerSecond()));
            speedup.append(Math.round(r.speedup() * 100) / 100.0);
        }
        return Table.create(title, method, gamma, acceptance, perCall, speed, speedup);
    }
}
