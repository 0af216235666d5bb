package dev.minillm.transformer;

import dev.minillm.common.Corpus;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tokenize.CharTokenizer;

/**
 * The chapter's demo: a character-level GPT trained on {@link Corpus#english()} with the course's
 * {@link Trainer} (AdamW, warmup + cosine learning rate, gradient clipping, seeded random windows).
 *
 * <pre>{@code
 * var run = CharacterGPT.train(GPTConfig.nanogptBaby(0), Trainer.Config.quick().withMaxSteps(500), 42);
 * System.out.println(run.sample("The ", 200, 0.8f, 1));
 * }</pre>
 *
 * @param model the trained model
 * @param tokenizer its characters
 * @param result how training went, with the loss of every step
 */
public record CharacterGPT(GPT model, CharTokenizer tokenizer, Trainer.Result result) {

    /**
     * Trains a GPT with {@code config}'s sizes (its vocabulary size is replaced by the number of
     * characters in the corpus) on windows of {@code config.blockSize()} characters, holding out
     * the last 10% of the text for validation.
     *
     * @param seed the seed of the model's initial weights; the batch order comes from {@code training.seed()}
     */
    public static CharacterGPT train(GPTConfig config, Trainer.Config training, long seed) {
        Corpus corpus = Corpus.english();
        var tokenizer = CharTokenizer.train(corpus.text());
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        var model = new GPT(config.withVocabSize(tokenizer.vocabSize()), seed);
        var result = new Trainer(model, data, training.withBlockSize(config.blockSize())).fit().orThrow();
        return new CharacterGPT(model, tokenizer, result);
    }

    /** {@code count} characters continuing {@code prompt}, top-k 0 (all), from {@code new SplittableRandom(seed)}. */
    public String sample(String prompt, int count, float temperature, long seed) {
        return tokenizer.decode(model.generate(tokenizer.encode(prompt), count, temperature, 0, seed));
    }
}
