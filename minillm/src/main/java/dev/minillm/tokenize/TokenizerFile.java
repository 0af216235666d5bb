package dev.minillm.tokenize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file format of every tokenizer: one JSON object, written atomically.
 *
 * <pre>{@code
 * {
 *   "format" : "minillm-tokenizer",
 *   "version" : 1,
 *   "type" : "bpe",                       // byte, char, word, bpe, wordpiece or unigram
 *   "special" : { "<|endoftext|>" : 50256 },
 *   ...                                   // the fields of that type, see each class's save()
 * }
 * }</pre>
 *
 * Reading checks every field and names the file and the problem when something is wrong, so a
 * truncated or hand-edited file fails on load, not later with a wrong token.
 */
final class TokenizerFile {

    static final String FORMAT = "minillm-tokenizer";
    static final int VERSION = 1;
    private static final List<String> TYPES = List.of("byte", "char", "word", "bpe", "wordpiece", "unigram");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFile() {}

    /** A new tokenizer file's common fields. */
    static ObjectNode start(String type, Map<String, Integer> specialTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("type", type);
        ObjectNode special = root.putObject("special");
        specialTokens.forEach(special::put);
        return root;
    }

    /** Writes to a temporary file beside the target, then moves it into place: readers never see half a file. */
    static Path write(ObjectNode root, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
                return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads any tokenizer file, choosing the class by its "type". */
    static Tokenizer load(Path file) {
        Fields fields = read(file, null);
        return switch (fields.type()) {
            case "byte" -> ByteTokenizer.fromFile(fields);
            case "char" -> CharTokenizer.fromFile(fields);
            case "word" -> WordTokenizer.fromFile(fields);
            case "bpe" -> BpeTokenizer.fromFile(fields);
            case "wordpiece" -> WordPieceTokenizer.fromFile(fields);
            case "unigram" -> UnigramTokenizer.fromFile(fields);
            default -> throw new AssertionError(fields.type()); // read() accepts only the known types
        };
    }

    /**
     * Parses a tokenizer file and checks its header.
     *
     * @param expectedType the type the caller can load, or null for any
     */
    static Fields read(Path file, String expectedType) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            if (endsEarly(e)) {
                throw new IllegalArgumentException("tokenizer file " + file + " is truncated: the JSON ends early ("
                        + firstLine(e) + "); save the tokenizer again", e);
            }
            throw new IllegalArgumentException("tokenizer file " + file + " is not valid JSON (corrupt?): " + firstLine(e), e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new IllegalArgumentException("tokenizer file not found: " + file.toAbsolutePath(), e);
            }
            throw new UncheckedIOException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("tokenizer file " + file + " is empty (truncated?); save the tokenizer again");
        }
        if (!root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not a minillm tokenizer file (it has no \"format\": \""
                    + FORMAT + "\"); write one with Tokenizer.save");
        }
        var fields = new Fields((ObjectNode) root, file);
        int version = fields.integer("version");
        if (version != VERSION) {
            throw new IllegalArgumentException("tokenizer file " + file + " has format version " + version
                    + "; this minillm reads version " + VERSION);
        }
        String type = fields.text("type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("tokenizer file " + file + " has unknown type '" + type + "'; expected one of " + TYPES);
        }
        if (expectedType != null && !expectedType.equals(type)) {
            throw new IllegalArgumentException("tokenizer file " + file + " holds a '" + type + "' tokenizer, not '"
                    + expectedType + "': load it with Tokenizer.load");
        }
        return fields;
    }

    /** Jackson reports a file cut short either way, depending on where the cut falls. */
    static boolean endsEarly(JsonProcessingException e) {
        return e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The fields of a parsed file, with getters that fail with a message naming the file and field. */
    record Fields(ObjectNode root, Path file) {

        String type() {
            return root.path("type").asText();
        }

        String text(String name) {
            JsonNode node = root.get(name);
            if (node == null || !node.isTextual()) {
                throw corrupt("field '" + name + "' is missing or not a string");
            }
            return node.asText();
        }

        int integer(String name) {
            JsonNode node = root.get(name);
            if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
                throw corrupt("field '" + name + "' is missing or not an integer");
            }
            return node.asInt();
        }

        ArrayNode array(String name) {
            JsonNode node = root.get(name);
            if (node == null || !node.isArray()) {
                throw corrupt("field '" + name + "' is missing or not an array");
            }
            return (ArrayNode) node;
        }

        /** An array of strings; {@code null} elements are kept only when {@code nullsAllowed}. */
        List<String> strings(String name, boolean nullsAllowed) {
            List<String> values = new ArrayList<>();
            for (JsonNode element : array(name)) {
                if (element.isNull() && nullsAllowed) {
                    values.add(null);
                } else if (element.isTextual()) {
                    values.add(element.asText());
                } else {
                    throw corrupt("element " + values.size() + " of '" + name + "' is not a string");
                }
            }
            return values;
        }

        /** The special tokens, in id order. */
        Map<String, Integer> specialTokens() {
            JsonNode node = root.get("special");
            if (node == null || !node.isObject()) {
                throw corrupt("field 'special' is missing or not an object");
            }
            Map<String, Integer> specials = new LinkedHashMap<>();
            for (var entry : node.properties()) {
                if (!entry.getValue().isIntegralNumber() || entry.getValue().asInt() < 0) {
                    throw corrupt("special token '" + entry.getKey() + "' has no valid id");
                }
                specials.put(entry.getKey(), entry.getValue().asInt());
            }
            Map<String, Integer> inIdOrder = new LinkedHashMap<>();
            specials.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(e -> inIdOrder.put(e.getKey(), e.getValue()));
            return inIdOrder;
        }

        IllegalArgumentException corrupt(String problem) {
            return new IllegalArgumentException("tokenizer file " + file + " is corrupt: " + problem);
        }
    }
}
