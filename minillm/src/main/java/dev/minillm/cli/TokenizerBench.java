package dev.minillm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minillm.common.Corpus;
import dev.minillm.tokenize.BpeTokenizer;
import dev.minillm.tokenize.BpeTrainer;
import dev.minillm.tokenize.Gpt2;
import dev.minillm.tokenize.Utf8;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Chapter 2's benchmark: how fast BPE trains, and how many MB/s GPT-2's encoder gets through, on
 * one thread and on all cores, next to tiktoken (Rust compiled to WebAssembly, run by node) and the
 * gpt-3-encoder package's JavaScript when node and the npm packages are installed.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "BPE training time and encoding MB/s.")
final class TokenizerBench implements Callable<Integer> {

    @Option(names = "--node-modules", defaultValue = "node_modules",
            description = "Where npm ci installed GPT-2's files, tiktoken and Moby Dick (default: ${DEFAULT-VALUE}).")
    Path nodeModules;

    @Option(names = "--vocab", defaultValue = "4096", description = "Vocabulary size to train (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed runs per figure; the best is shown (default: ${DEFAULT-VALUE}).")
    int repeats;

    /** The same text for every measurement. */
    private record Text(String name, String text, List<String> documents, long bytes) {
        double megabytes() {
            return bytes / 1e6;
        }
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("minillm.quiet", "true"); // no progress bars between the figures
        Text text = benchText();
        int cores = Runtime.getRuntime().availableProcessors();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf("Text: %s, %,d documents, %.2f MB of UTF-8. %d cores, load average %.1f. Best of %d runs.%n",
                text.name(), text.documents().size(), text.megabytes(), cores, load, repeats);
        if (load > cores / 2.0) {
            System.out.println("(Other programs are busy: the figures below are lower than on an idle machine.)");
        }
        System.out.println();

        train(text);
        Optional<BpeTokenizer> gpt2 = Gpt2.fromNodeModules(nodeModules);
        Supplier<BpeTokenizer> fresh = gpt2.isPresent()
                ? () -> Gpt2.fromNodeModules(nodeModules).orElseThrow()
                : () -> BpeTokenizer.train(text.text(), vocabSize);
        if (gpt2.isEmpty()) {
            System.out.println("GPT-2's files are not in " + nodeModules + " (npm ci): encoding with the tokenizer trained above.");
        }
        int[] ids = encode(text, fresh);
        compareWithNode(text, ids);
        return 0;
    }

    private Text benchText() {
        List<String> documents = Corpus.mobyDick(nodeModules).map(Corpus::documents).orElse(null);
        String name = "Moby Dick";
        if (documents == null) { // the bundled stories are ~270 KB: four copies make the 1 MB the targets are set for
            documents = new ArrayList<>();
            for (int copy = 0; copy < 4; copy++) {
                documents.addAll(Corpus.english().documents());
            }
            name = "the bundled English corpus x4 (npm ci adds Moby Dick)";
        }
        String joined = String.join("\n\n", documents);
        return new Text(name, joined, documents, Utf8.encode(joined).length);
    }

    private void train(Text text) {
        BpeTrainer.train(text.text().substring(0, text.text().length() / 10), 512, List.of()); // JIT warm-up
        List<Double> seconds = new ArrayList<>();
        int merges = 0;
        for (int run = 0; run < repeats; run++) {
            long start = System.nanoTime();
            merges = BpeTrainer.train(text.text(), vocabSize, List.of()).trace().size();
            seconds.add(elapsed(start));
        }
        System.out.printf("BPE training (BpeTrainer.train), %,d tokens on %.2f MB: %.2f s for %,d merges (median %.2f s)%n",
                vocabSize, text.megabytes(), Collections.min(seconds), merges, median(seconds));
        String slice = text.text().substring(0, Math.min(100_000, text.text().length()));
        long start = System.nanoTime();
        BpeTrainer.trainPlain(slice, 512, List.of());
        double plain = elapsed(start);
        start = System.nanoTime();
        BpeTrainer.train(slice, 512, List.of());
        System.out.printf("  on 100 KB, 512 tokens: %.3f s; the plain reference (trainPlain) %.2f s%n%n", elapsed(start), plain);
    }

    private int[] encode(Text text, Supplier<BpeTokenizer> fresh) {
        BpeTokenizer tokenizer = fresh.get();
        System.out.println("Encoding with " + tokenizer + ", one thread:");
        for (int run = 0; run < 2; run++) { // JIT warm-up
            fresh.get().encode(text.text());
        }
        int[] ids = tokenizer.encode(text.text());
        double cold = text.megabytes() / bestWithEmptyCache(fresh, t -> t.encode(text.text()));
        double warm = text.megabytes() / best(() -> tokenizer.encode(text.text()));
        String slice = text.text().substring(0, Math.min(200_000, text.text().length()));
        long start = System.nanoTime();
        tokenizer.encodePlain(slice);
        double plain = Utf8.encode(slice).length / 1e6 / elapsed(start);
        System.out.printf("  encode, first pass (empty cache):  %6.1f MB/s (%,d tokens, %.2f bytes per token)%n", cold, ids.length,
                text.bytes() / (double) ids.length);
        System.out.printf("  encode, again (warm cache):        %6.1f MB/s%n", warm);
        System.out.printf("  encodePlain (the reference):       %6.1f MB/s%n", plain);

        List<String> documents = text.documents();
        double sequential = text.megabytes() / best(() -> documents.forEach(tokenizer::encode));
        double parallel = text.megabytes() / best(() -> tokenizer.encodeBatch(documents));
        double parallelCold = text.megabytes() / bestWithEmptyCache(fresh, t -> t.encodeBatch(documents));
        System.out.printf("The %d documents as a batch:%n", documents.size());
        System.out.printf("  encode each, one thread:           %6.1f MB/s%n", sequential);
        System.out.printf("  encodeBatch on %d cores:            %6.1f MB/s (x%.1f)%n",
                Runtime.getRuntime().availableProcessors(), parallel, parallel / sequential);
        System.out.printf("  encodeBatch, empty caches:         %6.1f MB/s%n%n", parallelCold);
        return ids;
    }

    /** tiktoken and gpt-3-encoder on the same text, if node and the packages are there. */
    private void compareWithNode(Text text, int[] ourIds) throws IOException, InterruptedException {
        if (!Files.isDirectory(nodeModules.resolve("tiktoken")) || !Files.isDirectory(nodeModules.resolve(Gpt2.NPM_PACKAGE))) {
            System.out.println("tiktoken and gpt-3-encoder are not in " + nodeModules + ": npm ci to compare with them.");
            return;
        }
        Path dir = Files.createTempDirectory("minillm-bench");
        try {
            Path textFile = Files.writeString(dir.resolve("text.txt"), text.text(), StandardCharsets.UTF_8);
            Path script = Files.writeString(dir.resolve("bench.js"), NODE_BENCH, StandardCharsets.UTF_8);
            Process node;
            try {
                node = new ProcessBuilder("node", script.toString(), nodeModules.toAbsolutePath().toString(), textFile.toString(),
                        String.valueOf(repeats)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                System.out.println("node is not installed (sudo apt-get install nodejs): no comparison with tiktoken.");
                return;
            }
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(10, TimeUnit.MINUTES) || node.exitValue() != 0) {
                System.out.println("the node benchmark failed: " + output);
                return;
            }
            JsonNode result = new ObjectMapper().readTree(output);
            System.out.println("The same text in node " + result.path("node").asText() + ", one thread:");
            System.out.printf("  tiktoken %s (WASM):            %6.1f MB/s, %,d tokens, %s%n", result.path("tiktokenVersion").asText(),
                    result.path("tiktoken").asDouble(), result.path("tokens").asLong(),
                    result.path("checksum").asLong() == checksum(ourIds) ? "the same ids as ours" : "DIFFERENT ids from ours");
            System.out.printf("  gpt-3-encoder (JavaScript):        %6.1f MB/s (per document: it slows down on long texts)%n",
                    result.path("gpt3encoder").asDouble());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Order-sensitive checksum of ids, computed the same way in the node script. */
    static long checksum(int[] ids) {
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            sum = (sum * 31 + ids[i]) % 1_000_000_007L;
        }
        return sum;
    }

    /** The shortest time of {@code repeats} runs, in seconds. */
    private double best(Runnable work) {
        double best = Double.MAX_VALUE;
        for (int run = 0; run < repeats; run++) {
            long start = System.nanoTime();
            work.run();
            best = Math.min(best, elapsed(start));
        }
        return best;
    }

    /** {@link #best} where each run gets a new tokenizer, so its cache starts empty. */
    private double bestWithEmptyCache(Supplier<BpeTokenizer> fresh, java.util.function.Consumer<BpeTokenizer> work) {
        double best = Double.MAX_VALUE;
        for (int run = 0; run < repeats; run++) {
            BpeTokenizer tokenizer = fresh.get();
            System.gc(); // collect what loading left behind, so the time is encoding alone
            long start = System.nanoTime();
            work.accept(tokenizer);
            best = Math.min(best, elapsed(start));
        }
        return best;
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** Times tiktoken's GPT-2 encoding (best of N) and the gpt-3-encoder package (once, per document). */
    private static final String NODE_BENCH = """
            const fs = require('fs');
            const path = require('path');
            const [modules, file, repeats] = process.argv.slice(2);
            const { get_encoding } = require(path.join(modules, 'tiktoken'));
            const gpt3 = require(path.join(modules, 'gpt-3-encoder'));
            const text = fs.readFileSync(file, 'utf8');
            const mb = Buffer.byteLength(text, 'utf8') / 1e6;
            const enc = get_encoding('gpt2');
            enc.encode(text.slice(0, 200000)); // warm-up
            let best = Infinity, ids;
            for (let run = 0; run < Number(repeats); run++) {
              const start = process.hrtime.bigint();
              ids = enc.encode(text);
              best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
            }
            let checksum = 0n;
            for (const id of ids) checksum = (checksum * 31n + BigInt(id)) % 1000000007n;
            const docs = text.split('\\n\\n');
            let start = process.hrtime.bigint();
            for (const doc of docs) gpt3.encode(doc);
            const js = Number(process.hrtime.bigint() - start) / 1e9;
            const version = require(path.join(modules, 'tiktoken', 'package.json')).version;
            console.log(JSON.stringify({ node: process.version, tiktokenVersion: version, tiktoken: mb / best,
              tokens: ids.length, checksum: Number(checksum), gpt3encoder: mb / js }));
            enc.free();
            """;
}
