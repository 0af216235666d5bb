package dev.minillm.cli;

import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import dev.minillm.ngram.Level;
import dev.minillm.ngram.NgramModel;
import dev.minillm.ngram.PerplexityByOrder;
import dev.minillm.ngram.Smoothing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Chapter 1's job: n-gram models of order 1..n, their perplexity, and a sample from each. */
@Command(name = "ngram", mixinStandardHelpOptions = true,
        description = "Train n-gram models of order 1..n, print a perplexity table and a sample per order.")
final class NgramCommand implements Callable<Integer> {

    @Option(names = "--corpus", defaultValue = "english", description = "Text to learn from: " + CorpusOption.HELP)
    String corpus;

    @Option(names = "--level", defaultValue = "CHAR", description = "Tokens: CHAR or WORD (default: ${DEFAULT-VALUE}).")
    Level level;

    @Option(names = "--max-order", defaultValue = "5", description = "Highest n (default: ${DEFAULT-VALUE}).")
    int maxOrder;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--length", defaultValue = "160", description = "Tokens per sample (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--plot", defaultValue = "target/ngram-perplexity.png", description = "Where to save the plot.")
    Path plot;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Corpus text = CorpusOption.resolve(corpus);
        Corpus.Split split = text.split(10);
        System.out.printf("Corpus '%s': %,d documents, %,d characters; every 10th document is held out.%n",
                text.name(), text.documents().size(), text.characters());

        var rows = PerplexityByOrder.run(split, level, maxOrder);
        System.out.println();
        System.out.println(PerplexityByOrder.table(rows).printAll());
        System.out.println("Infinity: the model gave probability 0 to some held-out token it never saw in that context.");
        System.out.println("Plot saved to " + Plots.savePng(PerplexityByOrder.chart(rows), plot));

        var model = NgramModel.train(split.train(), level, maxOrder, new Smoothing.KneserNey());
        System.out.printf("%nSamples (Kneser-Ney, seed %d):%n", seed);
        for (int order = 1; order <= maxOrder; order++) {
            String sample = model.with(order, new Smoothing.KneserNey()).sample(seed, length);
            System.out.printf("%n  n=%d  %s%n", order, sample.replace("\n", " "));
        }
        System.out.printf("%nDone in %.1f s.%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
