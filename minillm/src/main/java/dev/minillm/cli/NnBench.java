package dev.minillm.cli;

import dev.minillm.common.Corpus;
import dev.minillm.common.Simd;
import dev.minillm.nn.LanguageModel;
import dev.minillm.nn.MlpLanguageModel;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.rnn.RnnLanguageModel;
import dev.minillm.tokenize.CharTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Chapters 4 and 5's benchmark: training tokens per second of the MLP language model and of a
 * char-LSTM, each next to the same configuration in PyTorch on this machine.
 */
@Command(name = "nn", mixinStandardHelpOptions = true,
        description = "Training tokens/s of the MLP LM and a char-LSTM, against PyTorch.")
final class NnBench implements Callable<Integer> {

    /** The PyTorch side, relative to the repository root. */
    private static final String TORCH_SCRIPT = "minillm/src/test/python/nn_bench.py";
    private static final int BATCH = 32, BLOCK = 64;

    @Option(names = "--seconds", defaultValue = "5",
            description = "Timed training per model and side, after a warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", defaultValue = "2",
            description = "PyTorch threads (the Java side uses the matmul pool: all cores) (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds, alternating minillm and PyTorch; the best of each counts, since other "
                    + "processes on the machine slow down some rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--only", description = "Measure only mlp or lstm.")
    String only;

    @Option(names = "--no-torch", description = "Skip the PyTorch comparison.")
    boolean noTorch;

    @Option(names = "--python", description = "The Python with PyTorch (default: python3, then /usr/bin/python3).")
    String python;

    @Override
    public Integer call() {
        var tokenizer = CharTokenizer.train(Corpus.english().text());
        var data = TokenDataset.encode(Corpus.english(), tokenizer, 0.1);
        int vocab = tokenizer.vocabSize();
        var mlp = MlpLanguageModel.Config.bench(vocab);
        var lstm = RnnLanguageModel.Config.charLstm(vocab);
        System.out.println("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + Simd.describe()
                + "; data: the English corpus, " + vocab + " characters");

        Map<String, Double> java = new LinkedHashMap<>(), torch = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.println("Round " + round + " of " + rounds);
            if (only == null || only.equals("mlp")) {
                java.merge("mlp", measure(new MlpLanguageModel(mlp, 1), data), Math::max);
            }
            if (only == null || only.equals("lstm")) {
                java.merge("lstm", measure(new RnnLanguageModel(lstm, 1), data), Math::max);
            }
            if (!noTorch) {
                torch(vocab, mlp, lstm, round == 1).forEach((key, value) -> torch.merge(key, value, Math::max));
            }
        }

        Map<String, String> names = Map.of(
                "mlp", String.format(Locale.ROOT, "MLP LM (n=%d, m=%d, h=%d)", mlp.context(), mlp.embeddingDim(),
                        mlp.hiddenDim()),
                "lstm", String.format(Locale.ROOT, "char-LSTM (m=%d, H=%d)", lstm.embeddingDim(), lstm.hiddenSize()));
        System.out.println();
        System.out.printf(Locale.ROOT, "Training tokens/s, best of %d rounds (B=%d, T=%d, AdamW, clipping, "
                + "warmup+cosine; PyTorch with %d threads):%n", rounds, BATCH, BLOCK, threads);
        System.out.printf(Locale.ROOT, "%-32s %12s %12s %8s%n", "model", "minillm", "PyTorch", "ratio");
        java.forEach((key, tokensPerSecond) -> {
            Double reference = torch.get(key);
            System.out.printf(Locale.ROOT, "%-32s %12.0f %12s %8s%n", names.get(key), tokensPerSecond,
                    reference == null ? "-" : String.format(Locale.ROOT, "%.0f", reference),
                    reference == null ? "-" : String.format(Locale.ROOT, "%.2f×", tokensPerSecond / reference));
        });
        return 0;
    }

    /** Tokens per second of the Trainer on this model, after a few seconds of warm-up for the JIT compiler. */
    private double measure(LanguageModel model, TokenDataset data) {
        Trainer.Config base = Trainer.Config.defaults().withBatchSize(BATCH).withBlockSize(BLOCK)
                .withEvaluation(Integer.MAX_VALUE, 1).withRestoreBest(false);
        double rate = 0;
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1e9 < Math.min(3, seconds)) {
            rate = new Trainer(model, data, base.withMaxSteps(5)).fit().tokensPerSecond();
        }
        int steps = (int) Math.max(3, seconds * rate / (BATCH * BLOCK));
        return new Trainer(model, data, base.withMaxSteps(steps)).fit().tokensPerSecond();
    }

    /** Runs the committed PyTorch script, if Python and torch are there. */
    private Map<String, Double> torch(int vocab, MlpLanguageModel.Config mlp, RnnLanguageModel.Config lstm,
                                      boolean describe) {
        Path script = PythonScripts.find(TORCH_SCRIPT);
        if (script == null) {
            System.out.println("PyTorch: skipped, " + TORCH_SCRIPT + " not found (run from the repository)");
            return Map.of();
        }
        List<String> args = new ArrayList<>(List.of("--threads", Integer.toString(threads),
                "--vocab", Integer.toString(vocab), "--seconds", Double.toString(seconds),
                "--mlp", mlp.context() + "," + mlp.embeddingDim() + "," + mlp.hiddenDim() + "," + BATCH + "," + BLOCK,
                "--lstm", lstm.embeddingDim() + "," + lstm.hiddenSize() + "," + BATCH + "," + BLOCK));
        if (only != null) {
            args.addAll(List.of("--only", only));
        }
        var lines = PythonScripts.runWithTorch(python, script, args);
        if (lines.isEmpty()) {
            System.out.println("PyTorch: skipped, no python3 with torch found (sudo apt-get install python3-torch)");
            return Map.of();
        }
        Map<String, Double> result = new LinkedHashMap<>();
        for (String line : lines.get()) {
            if (line.startsWith("#")) {
                if (describe) {
                    System.out.println("PyTorch: " + line.substring(1).strip());
                }
            } else {
                String[] fields = line.strip().split(" ");
                result.put(fields[0], Double.parseDouble(fields[1]));
            }
        }
        return result;
    }
}
