package dev.minillm.position;

import dev.minillm.position.RotaryPositions.Convention;
import dev.minillm.transformer.PositionScheme;

import java.util.List;
import java.util.Locale;

/**
 * The five position schemes by name, for {@code GPTConfig.withPositions}:
 * <pre>{@code
 * var config = GPTConfig.tiny().withPositions(Positions.parse("rope"));
 * }</pre>
 */
public final class Positions {

    /** No positions. */
    public static final PositionScheme NONE = PositionScheme.NONE;
    /** The fixed sin/cos table times a learned gain, added to the embeddings. */
    public static final PositionScheme SINUSOIDAL = new PositionScheme("sinusoidal",
            (config, random) -> new SinusoidalPositions(config.embeddingDim()));
    /** GPT-2's learned table of blockSize vectors. */
    public static final PositionScheme LEARNED = PositionScheme.LEARNED;
    /** RoPE with theta 10,000, interleaved pairs, no interpolation. */
    public static final PositionScheme ROPE = rope(RotaryPositions.THETA, 1, Convention.INTERLEAVED);
    /** ALiBi with the standard slopes for the model's head count. */
    public static final PositionScheme ALIBI = new PositionScheme("alibi",
            (config, random) -> new AlibiPositions(config.heads()));

    private static final List<PositionScheme> ALL = List.of(NONE, SINUSOIDAL, LEARNED, ROPE, ALIBI);

    private Positions() {}

    /** RoPE with another base, interpolation factor or convention. */
    public static PositionScheme rope(double theta, double scale, Convention convention) {
        new RotaryPositions(2, theta, scale, convention); // checks the settings now, not when a model is built
        String name = theta == RotaryPositions.THETA && scale == 1 && convention == Convention.INTERLEAVED ? "rope"
                : String.format(Locale.ROOT, "rope(theta=%s, scale=%s, %s)", theta, scale, convention);
        return new PositionScheme(name,
                (config, random) -> new RotaryPositions(config.headSize(), theta, scale, convention));
    }

    /** The five schemes in the chapter's order: none, sinusoidal, learned, rope, alibi. */
    public static List<PositionScheme> all() {
        return ALL;
    }

    /**
     * The scheme called {@code name}: none, sinusoidal, learned, rope or alibi (case-insensitive).
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static PositionScheme parse(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(s -> s.name().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown position scheme '" + name
                        + "'; choose one of " + String.join(", ", ALL.stream().map(PositionScheme::name).toList())));
    }
}
