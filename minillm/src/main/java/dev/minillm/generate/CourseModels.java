package dev.minillm.generate;

import dev.minillm.common.Corpus;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tokenize.BpeTokenizer;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The course's pretrained models for chapters 9 onwards: trained once on the bundled English
 * corpus with a BPE tokenizer of 1,024 tokens, then kept in a cache folder so that the readings,
 * notebooks and later chapters load them in a second instead of training for minutes each.
 * <ul>
 *   <li>{@link #target()}: chapter 7's "baby" GPT (4 layers, 4 heads, C = 128, 64 tokens of context),
 *       1,000 steps — about a minute and a half on two cores the first time;</li>
 *   <li>{@link #draft()}: a small GPT (2 layers, 2 heads, C = 64) on the same tokens, for speculative
 *       decoding — about 20 seconds.</li>
 * </ul>
 * The cache folder is {@code $MINILLM_CACHE}, or {@code ~/.cache/minillm}. Each model's folder name
 * holds a hash of everything that determines its weights (configuration, training settings, corpus,
 * {@link #VERSION}), so a change to any of them trains a new one. Training is deterministic: every
 * machine gets the same weights. Files are written to a temporary folder that is moved into place,
 * so an interrupted run leaves no half-written model; a folder that cannot be read is trained again.
 */
public final class CourseModels {

    /** Raise this when a library change alters the numbers training produces, so old caches are not reused. */
    public static final int VERSION = 1;

    /** BPE vocabulary size of the course models. */
    public static final int VOCAB_SIZE = 1024;

    /**
     * A trained model with its tokenizer.
     *
     * @param name "course-gpt" or "course-draft"
     * @param gpt the model, in evaluation mode
     * @param tokenizer the BPE tokenizer it was trained with
     * @param validationLoss its validation loss, nats per token
     */
    public record Pretrained(String name, GPT gpt, BpeTokenizer tokenizer, double validationLoss) {
        /** The model as a {@link CausalModel} for the decoders. */
        public GptModel causalModel() {
            return new GptModel(gpt);
        }
    }

    /** What determines a model: its configuration and how it is trained. */
    record Recipe(String name, GPTConfig config, Trainer.Config training) {}

    private CourseModels() {}

    /** The course GPT (loaded from the cache, or trained and cached the first time). */
    public static Pretrained target() {
        return load(new Recipe("course-gpt", GPTConfig.nanogptBaby(VOCAB_SIZE), training(1000, 2e-3f)), cacheFolder());
    }

    /** The small draft GPT on the same tokens (loaded, or trained and cached the first time). */
    public static Pretrained draft() {
        var config = new GPTConfig(VOCAB_SIZE, 64, 2, 2, 64, 0f, true, GPTConfig.Norm.LAYER_NORM,
                GPTConfig.FeedForward.GELU);
        return load(new Recipe("course-draft", config, training(1000, 3e-3f)), cacheFolder());
    }

    /** The cache folder: $MINILLM_CACHE, or ~/.cache/minillm. */
    public static Path cacheFolder() {
        String configured = System.getenv("MINILLM_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "minillm");
    }

    static Trainer.Config training(int steps, float learningRate) {
        return Trainer.Config.defaults().withMaxSteps(steps).withBatchSize(16).withBlockSize(64)
                .withLearningRate(learningRate, learningRate / 10).withWarmupSteps(100).withEvaluation(250, 10)
                .withSeed(42);
    }

    static synchronized Pretrained load(Recipe recipe, Path cache) {
        Corpus corpus = Corpus.english();
        Path folder = cache.resolve("models").resolve(recipe.name() + "-" + hash(recipe, corpus));
        if (Files.isDirectory(folder)) {
            try {
                return read(recipe, folder);
            } catch (RuntimeException e) {
                System.err.println("minillm: the cached model in " + folder + " is not readable (" + e.getMessage()
                        + "); training it again");
                deleteQuietly(folder);
            }
        }
        System.err.printf(Locale.ROOT, "minillm: training %s once (%d steps); it is then cached in %s%n", recipe.name(),
                recipe.training().maxSteps(), folder);
        Pretrained trained = train(recipe, corpus);
        write(trained, folder);
        return trained;
    }

    private static Pretrained train(Recipe recipe, Corpus corpus) {
        BpeTokenizer tokenizer = BpeTokenizer.train(corpus.text(), VOCAB_SIZE);
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        var gpt = new GPT(recipe.config(), 42);
        var result = new Trainer(gpt, data, recipe.training()).fit().orThrow();
        gpt.eval();
        return new Pretrained(recipe.name(), gpt, tokenizer, result.bestValidationLoss());
    }

    private static void write(Pretrained model, Path folder) {
        try {
            Files.createDirectories(folder.getParent());
            Path temporary = Files.createTempDirectory(folder.getParent(), model.name() + "-writing-");
            model.tokenizer().save(temporary.resolve("tokenizer.json"));
            SafeTensors.write(temporary.resolve("model.safetensors"), model.gpt().stateDict(),
                    Map.of("validationLoss", Double.toString(model.validationLoss())));
            try {
                Files.move(temporary, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteQuietly(temporary);          // another process cached it first: theirs is identical
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("minillm: could not cache the model in " + folder + " (" + e.getMessage()
                    + "); it will be trained again next time. Set MINILLM_CACHE to a writable folder.");
        }
    }

    private static Pretrained read(Recipe recipe, Path folder) {
        BpeTokenizer tokenizer = BpeTokenizer.load(folder.resolve("tokenizer.json"));
        var contents = SafeTensors.read(folder.resolve("model.safetensors"));
        var gpt = new GPT(recipe.config(), 42);
        gpt.loadStateDict(contents.tensors());
        gpt.eval();
        double loss = Double.parseDouble(contents.metadata().getOrDefault("validationLoss", "NaN"));
        return new Pretrained(recipe.name(), gpt, tokenizer, loss);
    }

    /** 12 hex digits of SHA-256 over everything that determines the weights. */
    private static String hash(Recipe recipe, Corpus corpus) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update((recipe + "|" + VERSION + "|" + VOCAB_SIZE + "|").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(corpus.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temporary folder is harmless
        }
    }
}
