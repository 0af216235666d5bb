package dev.minillm.generate;

/**
 * How to turn one row of logits into the next token. Applied in this order by {@link Sampler}:
 * <ol>
 *   <li>repetition penalty (重复惩罚): the logits of tokens already in the text are made less
 *       attractive — divided by the penalty when positive, multiplied by it when negative (CTRL, 2019);</li>
 *   <li>temperature (温度): logits / T, then softmax; T = 0 means greedy (always the most likely token);</li>
 *   <li>top-k: keep the k most likely tokens;</li>
 *   <li>top-p (nucleus, 核采样): keep the smallest set of most likely tokens whose probability reaches p;</li>
 *   <li>renormalise what is kept and draw.</li>
 * </ol>
 *
 * @param temperature T ≥ 0; 0 is greedy decoding
 * @param topK keep the k most likely tokens; 0 keeps all
 * @param topP keep the nucleus of probability p, in (0, 1]; 1 keeps all
 * @param repetitionPenalty ≥ 1; 1 is no penalty
 */
public record SamplerSettings(float temperature, int topK, float topP, float repetitionPenalty) {

    public SamplerSettings {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("SamplerSettings: temperature must be finite and >= 0 (0 = greedy), got "
                    + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("SamplerSettings: topK must be >= 0 (0 keeps every token), got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("SamplerSettings: topP must be in (0, 1] (1 keeps every token), got " + topP);
        }
        if (!(repetitionPenalty >= 1f) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("SamplerSettings: repetitionPenalty must be finite and >= 1 (1 = none), got "
                    + repetitionPenalty);
        }
    }

    /** Always the most likely token. */
    public static SamplerSettings greedy() {
        return new SamplerSettings(0f, 0, 1f, 1f);
    }

    /** Plain sampling from softmax(logits / temperature). */
    public static SamplerSettings temperature(float temperature) {
        return new SamplerSettings(temperature, 0, 1f, 1f);
    }

    /** The same with top-k filtering. */
    public SamplerSettings withTopK(int k) {
        return new SamplerSettings(temperature, k, topP, repetitionPenalty);
    }

    /** The same with top-p (nucleus) filtering. */
    public SamplerSettings withTopP(float p) {
        return new SamplerSettings(temperature, topK, p, repetitionPenalty);
    }

    /** The same with a repetition penalty. */
    public SamplerSettings withRepetitionPenalty(float penalty) {
        return new SamplerSettings(temperature, topK, topP, penalty);
    }

    /** True for greedy decoding (temperature 0). */
    public boolean isGreedy() {
        return temperature == 0f;
    }
}
