package dev.minillm.cli;

import dev.minillm.common.Corpus;
import dev.minillm.common.Simd;
import dev.minillm.nn.Batch;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tensor.Autograd;
import dev.minillm.tokenize.CharTokenizer;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Chapter 7's benchmark: nanoGPT's "baby GPT" for CPUs (char-level, 4 layers, 4 heads, C = 128,
 * context 64, batch 12) trained by minillm and by PyTorch on the same characters with the same
 * schedule; prints the training tokens/s of each, their ratio, and each one's validation loss.
 */
@Command(name = "gpt", mixinStandardHelpOptions = true,
        description = "Train nanoGPT's baby GPT in minillm and in PyTorch: tokens/s and validation loss of each.")
final class GptBench implements Callable<Integer> {

    private static final String TORCH_SCRIPT = "minillm/src/test/python/nanogpt_baby.py";
    private static final int BATCH = 12;

    @Option(names = "--iters", defaultValue = "2000", description = "Training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--no-torch", description = "Skip the PyTorch side.")
    boolean noTorch;

    @Option(names = "--python", description = "The Python with PyTorch (default: python3, then /usr/bin/python3).")
    String python;

    @Override
    public Integer call() throws IOException {
        var tokenizer = CharTokenizer.train(Corpus.english().text());
        var data = TokenDataset.encode(Corpus.english(), tokenizer, 0.1);
        GPTConfig config = GPTConfig.nanogptBaby(tokenizer.vocabSize());
        System.out.printf(Locale.ROOT, "Machine: %d cores, %s; data: the English corpus, %s%n",
                Runtime.getRuntime().availableProcessors(), Simd.describe(), data);

        var model = new GPT(config, 1337);
        var training = Trainer.Config.defaults().withMaxSteps(iterations).withBatchSize(BATCH)
                .withBlockSize(config.blockSize()).withLearningRate(1e-3f, 1e-4f).withWarmupSteps(100)
                .withWeightDecay(0.1f).withGradClip(1f).withEvaluation(Integer.MAX_VALUE, 1).withRestoreBest(false);
        var result = new Trainer(model, data, training).fit().orThrow();
        double javaLoss = validationLoss(model, data.validation(), config.blockSize());
        System.out.printf(Locale.ROOT, "minillm: %,d parameters, %d iterations%n", model.parameterCount(), iterations);

        Map<String, Double> torch = noTorch ? Map.of() : torch(data, tokenizer.vocabSize());
        System.out.println();
        System.out.printf(Locale.ROOT, "nanoGPT baby (char, 4 layers, 4 heads, C=128, T=64, B=12, %d iterations):%n",
                iterations);
        System.out.printf(Locale.ROOT, "%-10s %14s %16s%n", "", "tokens/s", "validation loss");
        System.out.printf(Locale.ROOT, "%-10s %14.0f %16.4f%n", "minillm", result.tokensPerSecond(), javaLoss);
        if (torch.containsKey("tokens_per_second")) {
            System.out.printf(Locale.ROOT, "%-10s %14.0f %16.4f%n", "PyTorch", torch.get("tokens_per_second"),
                    torch.get("validation_loss"));
            System.out.printf(Locale.ROOT, "ratio: minillm is %.2f× PyTorch's speed; validation loss %+.4f against PyTorch%n",
                    result.tokensPerSecond() / torch.get("tokens_per_second"), javaLoss - torch.get("validation_loss"));
        }
        return 0;
    }

    /** Mean cross-entropy over every non-overlapping window of the validation stream, as the Python side computes it. */
    static double validationLoss(GPT model, int[] ids, int block) {
        int windows = (ids.length - 1) / block;
        double total = 0;
        model.eval();
        try (var _ = Autograd.noGrad()) {
            for (int first = 0; first < windows; first += BATCH) {
                int rows = Math.min(BATCH, windows - first);
                int[][] inputs = new int[rows][], targets = new int[rows][];
                for (int r = 0; r < rows; r++) {
                    int start = (first + r) * block;
                    inputs[r] = Arrays.copyOfRange(ids, start, start + block);
                    targets[r] = Arrays.copyOfRange(ids, start + 1, start + block + 1);
                }
                total += model.loss(Batch.of(inputs, targets)).item() * rows;
            }
        } finally {
            model.train();
        }
        return total / windows;
    }

    private Map<String, Double> torch(TokenDataset data, int vocab) throws IOException {
        Path script = PythonScripts.find(TORCH_SCRIPT);
        if (script == null) {
            System.out.println("PyTorch: skipped, " + TORCH_SCRIPT + " not found (run from the repository)");
            return Map.of();
        }
        Path folder = Files.createTempDirectory("minillm-bench-gpt");
        try {
            Path train = writeIds(folder.resolve("train.bin"), data.train());
            Path validation = writeIds(folder.resolve("validation.bin"), data.validation());
            var lines = PythonScripts.runWithTorch(python, script, List.of(train.toString(), validation.toString(),
                    Integer.toString(vocab), "--iters", Integer.toString(iterations), "--threads", Integer.toString(threads)));
            if (lines.isEmpty()) {
                System.out.println("PyTorch: skipped, no python3 with torch found (sudo apt-get install python3-torch)");
                return Map.of();
            }
            Map<String, Double> result = new HashMap<>();
            for (String line : lines.get()) {
                if (line.startsWith("#")) {
                    System.out.println("PyTorch: " + line.substring(1).strip());
                } else {
                    String[] fields = line.strip().split(" ");
                    result.put(fields[0], Double.parseDouble(fields[1]));
                }
            }
            return result;
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    /** The ids as little-endian int32, the format the Python script reads. */
    private static Path writeIds(Path file, int[] ids) {
        var buffer = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(ids);
        try {
            return Files.write(file, buffer.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
