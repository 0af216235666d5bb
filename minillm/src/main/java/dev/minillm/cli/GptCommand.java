package dev.minillm.cli;

import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import dev.minillm.nn.Checkpoint;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tokenize.BpeTokenizer;
import dev.minillm.tokenize.CharTokenizer;
import dev.minillm.tokenize.Tokenizer;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The course's main job (chapter 7): train the course GPT on a corpus tokenized by chapter 2's BPE,
 * with chapter 4's {@link Trainer} on chapter 3's autograd, then write with it.
 */
@Command(name = "gpt", mixinStandardHelpOptions = true,
        description = "Train the course GPT (BPE tokens, 4 layers, 4 heads, C = 128) and generate text with it.")
final class GptCommand implements Callable<Integer> {

    @Option(names = "--corpus", defaultValue = "english", description = "Text to learn from: " + CorpusOption.HELP)
    String corpus;

    @Option(names = "--char", description = "Characters as tokens instead of BPE.")
    boolean characters;

    @Option(names = "--vocab", defaultValue = "1024",
            description = "BPE vocabulary size, 256 bytes included (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--preset", defaultValue = "baby",
            description = "Model size: tiny (2 layers, C = 32, for tests), baby (nanoGPT's CPU model: 4 layers, 4 heads, "
                    + "C = 128, 64 tokens of context), small (6 layers, 6 heads, C = 192, 128 tokens). Default: ${DEFAULT-VALUE}.")
    Preset preset;

    @Option(names = "--steps", defaultValue = "1500", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--eval-every", defaultValue = "250",
            description = "Validation loss every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--out", defaultValue = "target/runs/gpt",
            description = "Folder for the checkpoint, the tokenizer and the loss plot (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run saved in --out.")
    boolean resume;

    @Option(names = "--samples", defaultValue = "3", description = "Texts to generate at the end (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--length", defaultValue = "80", description = "Tokens per generated text (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", description = "Sample among the k likeliest tokens (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, batches and samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        Corpus text = CorpusOption.resolve(corpus);
        Tokenizer tokenizer = tokenizer(text);
        var data = TokenDataset.encode(text, tokenizer, 0.1);
        System.out.printf(Locale.ROOT, "Corpus '%s': %,d characters → %s (%s)%n", text.name(), text.text().length(), data,
                characters ? "characters" : "BPE, " + tokenizer.vocabSize() + " tokens");

        GPTConfig config = preset.config(tokenizer.vocabSize());
        var model = new GPT(config, seed);
        System.out.printf(Locale.ROOT, "Model: %,d parameters, %d layers, %d heads, C = %d, context %d tokens%n",
                model.parameterCount(), config.layers(), config.heads(), config.embeddingDim(), config.blockSize());

        var training = Trainer.Config.defaults().withMaxSteps(steps).withBatchSize(batch)
                .withBlockSize(config.blockSize()).withLearningRate(learningRate, learningRate / 10)
                .withWarmupSteps(Math.min(100, steps / 10)).withEvaluation(evalEvery, 10).withSeed(seed);
        var trainer = new Trainer(model, data, training);
        if (resume && Checkpoint.exists(out, Checkpoint.LAST)) {
            trainer.resume(out);
            System.out.println("Resumed from step " + trainer.step() + " in " + out);
        } else {
            trainer.checkpoints(out);
        }
        Trainer.Result result = trainer.fit().orThrow();
        System.out.println(result.message());
        System.out.printf(Locale.ROOT, "%,.0f tokens/s; checkpoint in %s%n", result.tokensPerSecond(), out);
        System.out.println();
        System.out.println(validationTable(result).printAll());
        System.out.println("Loss curve saved to " + Plots.savePng(result.history().chart("course GPT"), out.resolve("loss.png")));

        int[] prompt = tokenizer.encode(firstWords(text));
        for (int i = 0; i < samples; i++) {
            int[] generated = model.generate(prompt, length, temperature, topK, seed + i);
            System.out.printf(Locale.ROOT, "%n--- sample %d (temperature %.1f, top-k %d) ---%n%s%s%n", i + 1, temperature,
                    topK, tokenizer.decode(prompt), tokenizer.decode(generated));
        }
        return 0;
    }

    /** The run's tokenizer: the saved one when resuming (the ids must match the weights), else a new one, saved. */
    private Tokenizer tokenizer(Corpus text) {
        Path file = out.resolve(NnTraining.TOKENIZER);
        if (resume && Files.isRegularFile(file)) {
            return Tokenizer.load(file);
        }
        Tokenizer tokenizer = characters ? CharTokenizer.train(text.text()) : BpeTokenizer.train(text.text(), vocabSize);
        tokenizer.save(file);
        return tokenizer;
    }

    /** The model sizes on offer. */
    enum Preset {
        tiny, baby, small;

        GPTConfig config(int vocabSize) {
            return switch (this) {
                case tiny -> GPTConfig.tiny().withVocabSize(vocabSize);
                case baby -> GPTConfig.nanogptBaby(vocabSize);
                case small -> new GPTConfig(vocabSize, 128, 6, 6, 192, 0f, true, GPTConfig.Norm.LAYER_NORM,
                        GPTConfig.FeedForward.GELU);
            };
        }
    }

    /** Validation loss and perplexity (e^loss: how many tokens the model hesitates between) at each evaluation. */
    static Table validationTable(Trainer.Result result) {
        var step = IntColumn.create("step");
        var loss = DoubleColumn.create("validation loss");
        var perplexity = DoubleColumn.create("perplexity");
        for (var entry : result.history().entries()) {
            if (!Double.isNaN(entry.validationLoss())) {
                step.append(entry.step());
                loss.append(Math.round(entry.validationLoss() * 1000) / 1000.0);
                perplexity.append(Math.round(Math.exp(entry.validationLoss()) * 10) / 10.0);
            }
        }
        return Table.create("validation loss by step", step, loss, perplexity);
    }

    /** The prompt of the samples: the corpus's first three words, at most 16 characters (Chinese has no spaces). */
    private static String firstWords(Corpus text) {
        String[] words = text.text().strip().split("\\s+", 4);
        String prompt = String.join(" ", java.util.Arrays.copyOf(words, Math.min(3, words.length)));
        return prompt.substring(0, Math.min(16, prompt.length()));
    }
}
