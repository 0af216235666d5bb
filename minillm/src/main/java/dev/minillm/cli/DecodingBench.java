package dev.minillm.cli;

import dev.minillm.generate.CourseModels;
import dev.minillm.generate.SamplerSettings;
import dev.minillm.generate.SpeculationBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Chapter 9's benchmark: speculative decoding (a draft model, or prompt lookup) against plain
 * decoding with the course models, greedy and sampled.
 */
@Command(name = "decoding", mixinStandardHelpOptions = true,
        description = "Speculative decoding vs plain decoding with the course models: acceptance, tokens per target call, speed.")
final class DecodingBench implements Callable<Integer> {

    static final List<String> PROMPTS = List.of("The old man", "She opened the door", "In the morning", "The ship",
            "He said");

    @Option(names = "--tokens", defaultValue = "56",
            description = "New tokens per prompt; with the prompt they stay inside the 64-token context (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--gammas", split = ",", defaultValue = "2,3,4,6", description = "Guesses per round (default: ${DEFAULT-VALUE}).")
    int[] gammas;

    @Option(names = "--rounds", defaultValue = "3", description = "Timing rounds, best counts (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() {
        var target = CourseModels.target();
        var draft = CourseModels.draft();
        System.out.printf("Target: %s (%,d parameters, validation loss %.3f); draft: %s (%,d parameters, %.3f)%n",
                target.name(), target.gpt().parameterCount(), target.validationLoss(), draft.name(),
                draft.gpt().parameterCount(), draft.validationLoss());
        var prompts = PROMPTS.stream().map(p -> target.tokenizer().encode(p)).toList();
        System.out.printf("%d prompts × %d new tokens, γ = %s, best of %d rounds%n%n", prompts.size(), tokens,
                Arrays.toString(gammas), rounds);
        for (var settings : List.of(SamplerSettings.greedy(), SamplerSettings.temperature(0.8f))) {
            var rows = SpeculationBenchmark.run(target.causalModel(), draft.causalModel(), prompts, tokens, settings,
                    gammas, rounds);
            String title = settings.isGreedy() ? "greedy" : "temperature " + settings.temperature();
            System.out.println(SpeculationBenchmark.table(title, rows).printAll());
            System.out.println();
        }
        return 0;
    }
}
