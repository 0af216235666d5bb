package dev.minillm.cli;

import dev.minillm.common.Plots;
import dev.minillm.nn.EmbeddingGeometry;
import dev.minillm.nn.MlpLanguageModel;
import dev.minillm.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Chapter 4's job: train the MLP language model on characters, sample from it, look at its embeddings. */
@Command(name = "nn", mixinStandardHelpOptions = true,
        description = "Train the MLP language model (Bengio et al. 2003) on characters, sample, plot its embeddings.")
final class NnCommand implements Callable<Integer> {

    @Option(names = "--corpus", defaultValue = "english",
            description = "Text to learn from: " + CorpusOption.HELP)
    String corpus;

    @Option(names = "--out", defaultValue = "target/runs/mlp",
            description = "Folder for checkpoints, tokenizer and plots (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run saved in --out.")
    boolean resume;

    @Option(names = "--steps", defaultValue = "2000",
            description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--context", defaultValue = "8",
            description = "Characters of context n (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--embedding", defaultValue = "24",
            description = "Embedding size m (default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--hidden", defaultValue = "256",
            description = "Hidden units h (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--direct", description = "Add the direct connections from the embeddings to the output.")
    boolean direct;

    @Option(names = "--dropout", defaultValue = "0",
            description = "Dropout on the hidden layer (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--lr", defaultValue = "3e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

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
        var tokenizer = NnTraining.tokenizer(text, out, resume);
        var config = Trainer.Config.defaults().withMaxSteps(steps).withLearningRate(learningRate);
        MlpLanguageModel[] model = new MlpLanguageModel[1];
        NnTraining.train(text, out, resume, config, vocab -> model[0] = new MlpLanguageModel(
                new MlpLanguageModel.Config(vocab, context, embedding, hidden, direct, dropout), seed), tokenizer);

        String prompt = text.text().substring(0, context);
        System.out.printf(Locale.ROOT, "%nSample (prompt \"%s\", temperature %.2f):%n%s%s%n", prompt, temperature, prompt,
                model[0].sample(tokenizer, prompt, sample, temperature, seed));

        var table = model[0].embeddings();
        var probes = List.of("a", "e", "t", "s", ".", " ").stream()
                .filter(t -> tokenizer.encode(t).length == 1 && tokenizer.encode(t)[0] != 0).toList();
        System.out.println();
        System.out.println(EmbeddingGeometry.nearestTable(table, tokenizer, probes, 5).printAll());
        var projection = EmbeddingGeometry.pca(table, 2);
        var chart = EmbeddingGeometry.scatter(projection, EmbeddingGeometry.labels(tokenizer), "character embeddings (PCA)");
        System.out.println("Embedding plot saved to " + Plots.savePng(chart, out.resolve("embeddings.png")));
        return 0;
    }
}
