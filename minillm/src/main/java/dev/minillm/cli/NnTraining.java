package dev.minillm.cli;

import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import dev.minillm.nn.Checkpoint;
import dev.minillm.nn.LanguageModel;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tokenize.CharTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/** What the {@code nn} and {@code rnn} commands share: a character tokenizer kept with the run, training, a report. */
final class NnTraining {

    static final String TOKENIZER = "tokenizer.json";

    private NnTraining() {}

    /** The run's tokenizer: the saved one when resuming (the ids must match the weights), else a new one, saved. */
    static CharTokenizer tokenizer(Corpus corpus, Path out, boolean resume) {
        Path file = out.resolve(TOKENIZER);
        if (resume && Files.isRegularFile(file)) {
            return CharTokenizer.load(file);
        }
        var tokenizer = CharTokenizer.train(corpus.text());
        tokenizer.save(file);
        return tokenizer;
    }

    /** Trains (or resumes) with checkpoints in {@code out}, prints the outcome and saves the loss curve. */
    static <M extends LanguageModel> Trainer.Result train(Corpus corpus, Path out, boolean resume, Trainer.Config config,
                                                          Function<Integer, M> model, CharTokenizer tokenizer) {
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        System.out.printf(Locale.ROOT, "Corpus '%s': %s%n", corpus.name(), data);
        M instance = model.apply(tokenizer.vocabSize());
        System.out.printf(Locale.ROOT, "Model: %,d parameters, %s%n", instance.parameterCount(), instance.config());
        var trainer = new Trainer(instance, data, config);
        if (resume && Checkpoint.exists(out, Checkpoint.LAST)) {
            trainer.resume(out);
            System.out.println("Resumed from step " + trainer.step() + " in " + out);
        } else {
            trainer.checkpoints(out);
        }
        Trainer.Result result = trainer.fit();
        System.out.println(result.message());
        System.out.printf(Locale.ROOT, "%.0f tokens/s; checkpoints in %s%n", result.tokensPerSecond(), out);
        System.out.println("Loss curve saved to " + Plots.savePng(result.history().chart(), out.resolve("loss.png")));
        return result;
    }
}
