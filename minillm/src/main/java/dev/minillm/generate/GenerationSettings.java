package dev.minillm.generate;

import java.util.List;
import java.util.Set;

/**
 * What a {@link Generator} does: how many tokens at most, how each is chosen, and when to stop early.
 *
 * @param maxNewTokens the most tokens to add, ≥ 0
 * @param sampler how each token is chosen
 * @param stopTokens ids that end the text when drawn (an end-of-text token); not part of the result
 * @param stopStrings texts that end the text when it contains one (needs a tokenizer); not part of the result
 */
public record GenerationSettings(int maxNewTokens, SamplerSettings sampler, Set<Integer> stopTokens,
                                 List<String> stopStrings) {

    public GenerationSettings {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("GenerationSettings: maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (sampler == null) {
            throw new IllegalArgumentException("GenerationSettings: sampler must not be null (SamplerSettings.greedy()?)");
        }
        stopTokens = Set.copyOf(stopTokens);
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("GenerationSettings: a stop string must not be empty");
        }
    }

    /** At most {@code maxNewTokens} tokens chosen by {@code sampler}, with no stop condition. */
    public static GenerationSettings of(int maxNewTokens, SamplerSettings sampler) {
        return new GenerationSettings(maxNewTokens, sampler, Set.of(), List.of());
    }

    /** The same, also stopping at any of these token ids. */
    public GenerationSettings withStopTokens(Integer... ids) {
        return new GenerationSettings(maxNewTokens, sampler, Set.of(ids), stopStrings);
    }

    /** The same, also stopping when the text contains any of these strings. */
    public GenerationSettings withStopStrings(String... strings) {
        return new GenerationSettings(maxNewTokens, sampler, stopTokens, List.of(strings));
    }
}
