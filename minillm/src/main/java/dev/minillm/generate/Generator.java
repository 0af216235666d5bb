package dev.minillm.generate;

import dev.minillm.tokenize.Tokenizer;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * Autoregressive generation (自回归生成): run the prompt through the model, choose a token from the
 * last logits, feed it back, repeat — until {@code maxNewTokens}, a stop token or a stop string.
 * <pre>{@code
 * var generator = new Generator(new GptModel(gpt), tokenizer);
 * var settings = GenerationSettings.of(60, SamplerSettings.temperature(0.8f).withTopP(0.9f)).withStopStrings("\n\n");
 * Generation g = generator.generate("Once upon a time", settings, 42, System.out::print);   // streams the text
 * }</pre>
 * The same seed gives the same text.
 */
public final class Generator {

    private final CausalModel model;
    private final Tokenizer tokenizer;   // null: tokens only, no stop strings

    /** A generator of token ids (no stop strings, no text). */
    public Generator(CausalModel model) {
        this(model, null);
    }

    /** A generator of text: prompts are encoded and results decoded with {@code tokenizer}. */
    public Generator(CausalModel model, Tokenizer tokenizer) {
        if (tokenizer != null && tokenizer.vocabSize() > model.vocabSize()) {
            throw new IllegalArgumentException("Generator: the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model only " + model.vocabSize() + "; use the tokenizer the model was trained with");
        }
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Continues a text, passing each new piece of text to {@code onText} as soon as it is final. */
    public Generation generate(String prompt, GenerationSettings settings, long seed, Consumer<String> onText) {
        if (tokenizer == null) {
            throw new IllegalStateException("Generator: text prompts need a tokenizer: new Generator(model, tokenizer)");
        }
        return run(tokenizer.encode(prompt), settings, new SplittableRandom(seed), token -> {}, onText);
    }

    /** Continues a text. */
    public Generation generate(String prompt, GenerationSettings settings, long seed) {
        return generate(prompt, settings, seed, piece -> {});
    }

    /** Continues a sequence of token ids, passing each new token to {@code onToken}. */
    public Generation generate(int[] prompt, GenerationSettings settings, long seed, IntConsumer onToken) {
        return run(prompt, settings, new SplittableRandom(seed), onToken, piece -> {});
    }

    /** Continues a sequence of token ids. */
    public Generation generate(int[] prompt, GenerationSettings settings, long seed) {
        return generate(prompt, settings, seed, token -> {});
    }

    private Generation run(int[] prompt, GenerationSettings settings, RandomGenerator random, IntConsumer onToken,
                           Consumer<String> onText) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("generate: the prompt is empty; start with at least one token "
                    + "(e.g. a newline or a beginning-of-text token)");
        }
        if (tokenizer == null && !settings.stopStrings().isEmpty()) {
            throw new IllegalArgumentException("generate: stop strings need a tokenizer: new Generator(model, tokenizer)");
        }
        TextStream text = tokenizer == null ? null : new TextStream(tokenizer, settings.stopStrings(), onText);
        int[] sequence = Arrays.copyOf(prompt, prompt.length + settings.maxNewTokens());
        int length = prompt.length;
        Generation.Stop stop = Generation.Stop.MAX_TOKENS;
        Session session = model.start();
        int calls = 0;
        float[] logits = null;
        while (length < sequence.length) {
            if (logits == null) {                                  // the prompt, then each new token
                float[][] rows = session.append(length == prompt.length ? prompt : new int[] {sequence[length - 1]});
                logits = rows[rows.length - 1];
                calls++;
            }
            int next = Sampler.pick(logits, settings.sampler(), Arrays.copyOf(sequence, length), random);
            logits = null;
            if (settings.stopTokens().contains(next)) {
                stop = Generation.Stop.STOP_TOKEN;
                break;
            }
            sequence[length++] = next;
            onToken.accept(next);
            if (text != null && text.add(next)) {
                stop = Generation.Stop.STOP_STRING;
                break;
            }
        }
        if (text != null) {
            text.finish();
        }
        int[] tokens = Arrays.copyOfRange(sequence, prompt.length, length);
        return new Generation(tokens, text == null ? null : text.text(), stop, calls);
    }
}
