package dev.minillm.generate;

/**
 * What a {@link Generator} produced.
 *
 * @param tokens the new tokens, without the prompt and without a stop token (with a stop string: up to the
 *     token that completed it)
 * @param text their text, cut before a stop string (null when the generator has no tokenizer)
 * @param stop why generation ended
 * @param modelCalls how many times the model was run ({@link Session#append} calls), the prompt's included
 */
public record Generation(int[] tokens, String text, Stop stop, int modelCalls) {

    /** Why generation ended. */
    public enum Stop {
        /** maxNewTokens were generated. */
        MAX_TOKENS,
        /** A stop token was drawn. */
        STOP_TOKEN,
        /** The text came to contain a stop string. */
        STOP_STRING
    }
}
