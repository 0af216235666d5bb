package dev.minillm.cli;

import dev.minillm.infer.GenerationSpeed;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Chapter 10's benchmark: generation tokens/s with and without the KV cache as the text grows. */
@Command(name = "kvcache", mixinStandardHelpOptions = true,
        description = "Generation speed with and without the KV cache, for texts of growing length.")
final class KvCacheBench implements Callable<Integer> {

    @Option(names = "--lengths", split = ",", defaultValue = "64,128,256,511",
            description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int[] lengths;

    @Option(names = "--rounds", defaultValue = "2", description = "Timing rounds, best counts (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() {
        int blockSize = 1 + java.util.Arrays.stream(lengths).max().orElse(64);
        var config = GPTConfig.nanogptBaby(1024).withBlockSize(blockSize);
        var gpt = new GPT(config, 1);   // speed does not depend on the weights: no training needed
        System.out.printf("Baby GPT (4 layers, 4 heads, C = 128, V = 1024, context %d): %,d parameters; greedy, "
                + "one-token prompt, best of %d rounds%n%n", blockSize, gpt.parameterCount(), rounds);
        List<GenerationSpeed.Row> rows = new ArrayList<>();
        for (int length : lengths) {
            rows.add(GenerationSpeed.measure(gpt, length, rounds));
        }
        System.out.println(GenerationSpeed.table("generation speed", rows).printAll());
        return 0;
    }
}
