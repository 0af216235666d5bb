package dev.minillm.cli;

import dev.minillm.nn.Trainer;
import dev.minillm.rnn.RecurrentCell;
import dev.minillm.rnn.RnnLanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Chapter 5's job: train a character-level RNN, LSTM or GRU with truncated BPTT, then sample from it. */
@Command(name = "rnn", mixinStandardHelpOptions = true,
        description = "Train a character-level RNN/LSTM/GRU language model (truncated BPTT), then sample from it.")
final class RnnCommand implements Callable<Integer> {

    @Option(names = "--corpus", defaultValue = "english",
            description = "Text to learn from: " + CorpusOption.HELP)
    String corpus;

    @Option(names = "--kind", defaultValue = "LSTM",
            description = "RNN, LSTM or GRU (default: ${DEFAULT-VALUE}).")
    RecurrentCell.Kind kind;

    @Option(names = "--out", description = "Folder for checkpoints, tokenizer and plots (default: target/runs/<corpus>-<kind>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run saved in --out.")
    boolean resume;

    @Option(names = "--steps", defaultValue = "2000",
            description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--embedding", defaultValue = "64",
            description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--hidden", defaultValue = "256",
            description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--block", defaultValue = "64",
            description = "Characters per chunk of truncated BPTT (default: ${DEFAULT-VALUE}).")
    int block;

    @Option(names = "--lr", defaultValue = "3e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--prompt", description = "Text to start sampling from (default: the corpus's first characters).")
    String prompt;

    @Option(names = "--sample", defaultValue = "300",
            description = "Characters to generate after training (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--temperature", defaultValue = "0.8",
            description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the weights and of sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        var text = CorpusOption.resolve(corpus);
        Path folder = out != null ? out : Path.of("target", "runs", text.name() + "-" + kind.name().toLowerCase(Locale.ROOT));
        var tokenizer = NnTraining.tokenizer(text, folder, resume);
        var config = Trainer.Config.defaults().withMaxSteps(steps).withBlockSize(block).withLearningRate(learningRate)
                .withBatchOrder(Trainer.BatchOrder.CONTIGUOUS_STREAMS);
        RnnLanguageModel[] model = new RnnLanguageModel[1];
        NnTraining.train(text, folder, resume, config, vocab -> model[0] = new RnnLanguageModel(
                new RnnLanguageModel.Config(kind, vocab, embedding, hidden, 0f), seed), tokenizer);

        String start = prompt != null ? prompt : text.text().substring(0, Math.min(8, text.text().length()));
        System.out.printf(Locale.ROOT, "%nSample (%s, prompt \"%s\", temperature %.2f):%n%s%s%n", kind, start, temperature,
                start, model[0].sample(tokenizer, start, sample, temperature, seed));
        return 0;
    }
}
