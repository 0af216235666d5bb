package dev.minillm.transformer;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A named way of building a {@link PositionEncoding} for a GPT; the {@code positions} of a
 * {@link GPTConfig}. This package has "none" and "learned" (GPT-2's table); chapter 8's
 * {@code dev.minillm.position.Positions.parse} knows all five: none, sinusoidal, learned, rope, alibi.
 *
 * @param name what the scheme is called in configs and tables
 * @param factory builds the encoding for a configuration, drawing any initial weights from the generator
 */
public record PositionScheme(String name, Factory factory) {

    /** Builds a scheme's encoding for the model being constructed. */
    @FunctionalInterface
    public interface Factory {
        /** A fresh encoding for {@code config}; random initial weights come from {@code random}. */
        PositionEncoding create(GPTConfig config, RandomGenerator random);
    }

    /** No positions: attention sees a set of tokens. */
    public static final PositionScheme NONE = new PositionScheme("none", (config, random) -> new PositionEncoding.None());

    /** GPT-2's learned table of blockSize vectors, added to the token embeddings (the default). */
    public static final PositionScheme LEARNED = new PositionScheme("learned",
            (config, random) -> new LearnedPositionEmbedding(config.blockSize(), config.embeddingDim(), random));

    /** The names chapter 8 adds; {@link #named} points to where they live. */
    private static final List<String> CHAPTER_8 = List.of("sinusoidal", "rope", "alibi");

    /** Checks the name and the factory. */
    public PositionScheme {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("PositionScheme: the name must not be blank");
        }
        Objects.requireNonNull(factory, "PositionScheme: factory");
    }

    /**
     * "none" or "learned" (case-insensitive).
     *
     * @throws IllegalArgumentException for any other name, saying where sinusoidal, rope and alibi are
     */
    public static PositionScheme named(String name) {
        String key = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (key) {
            case "none" -> NONE;
            case "learned" -> LEARNED;
            default -> throw new IllegalArgumentException("unknown position scheme '" + name + "'"
                    + (CHAPTER_8.contains(key) ? ": '" + key + "' is defined in chapter 8, use "
                    + "dev.minillm.position.Positions.parse(\"" + key + "\")"
                    : "; known here: none, learned (chapter 8's Positions.parse also knows sinusoidal, rope, alibi)"));
        };
    }

    /** A fresh encoding for {@code config}. */
    public PositionEncoding create(GPTConfig config, RandomGenerator random) {
        return factory.create(config, random);
    }

    /** The name; also how a checkpoint's JSON config records the scheme. */
    @JsonValue
    @Override
    public String toString() {
        return name;
    }
}
