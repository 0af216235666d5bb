package dev.minillm.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes tensors in the safetensors format (Hugging Face), so checkpoints move between
 * this library and Python ({@code safetensors.torch.load_file}) unchanged.
 *
 * <p>The format, all little-endian:
 * <pre>
 *   8 bytes   N, the length of the header (unsigned 64-bit)
 *   N bytes   a JSON object: {"__metadata__": {"key": "value", ...},
 *                             "fc1.weight": {"dtype": "F32", "shape": [16, 8], "data_offsets": [0, 512]}, ...}
 *   the rest  the tensors' bytes, back to back; data_offsets are [begin, end) within this part
 * </pre>
 * Unlike a pickled PyTorch file it cannot run code when loaded, and a reader can find any tensor
 * without reading the others. This writer stores float32 ("F32"); the reader also accepts F16,
 * BF16 and F64 and converts them to float32.
 */
public final class SafeTensors {

    /** The tensors of a file by name, in header order, and its free-form string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** A file that is not valid safetensors: truncated, corrupt, or of an unsupported type. */
    public static final class FormatException extends RuntimeException {
        FormatException(String message) {
            super(message);
        }
    }

    /** The largest header accepted (the reference implementation's limit), so a corrupt length cannot exhaust memory. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    private static final String METADATA = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 22;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** Writes tensors without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes tensors as F32 in map order, atomically: the data goes to a temporary file next to the
     * target, which then replaces it in one step, so a crash never leaves a half-written checkpoint.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        Path temp = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            temp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
                writeFully(out, ByteBuffer.wrap(header));
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor tensor : tensors.values()) {
                    float[] values = tensor.dense();
                    for (int start = 0; start < values.length; start += CHUNK_BYTES / 4) {
                        int count = Math.min(CHUNK_BYTES / 4, values.length - start);
                        chunk.clear();
                        chunk.asFloatBuffer().put(values, start, count);
                        chunk.limit(count * 4);
                        writeFully(out, chunk);
                    }
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp); // only still there if something failed
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes so the data that follows is aligned. */
    private static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (var entry : tensors.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("safetensors: '" + name + "' cannot be a tensor name");
            }
            Tensor tensor = entry.getValue();
            ObjectNode info = header.putObject(name);
            info.put("dtype", "F32");
            ArrayNode shape = info.putArray("shape");
            for (int d : tensor.shape) {
                shape.add(d);
            }
            long end = offset + 4L * tensor.size();
            info.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] result = new byte[padded];
        System.arraycopy(json, 0, result, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            result[i] = ' ';
        }
        return result;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /**
     * Reads every tensor of a safetensors file.
     *
     * @throws FormatException if the file is truncated, corrupt or holds an unsupported dtype,
     *         with a message saying which
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Contents read(Path file) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = in.size();
            if (fileSize < 8) {
                throw bad(file, "it has " + fileSize + " bytes, fewer than the 8-byte header length (empty or truncated)");
            }
            long headerLength = readFully(in, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw bad(file, "the header length " + Long.toUnsignedString(headerLength)
                        + " is not plausible (not a safetensors file, or a corrupt one)");
            }
            if (8 + headerLength > fileSize) {
                throw bad(file, "the header needs " + headerLength + " bytes but only " + (fileSize - 8)
                        + " follow the length (truncated)");
            }
            byte[] headerBytes = new byte[(int) headerLength];
            readFully(in, 8, (int) headerLength).get(headerBytes);
            JsonNode header = parse(file, headerBytes);
            long dataStart = 8 + headerLength, dataSize = fileSize - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (var field : header.properties()) {
                if (field.getKey().equals(METADATA)) {
                    readMetadata(file, field.getValue(), metadata);
                } else {
                    entries.add(Entry.of(file, field.getKey(), field.getValue()));
                }
            }
            checkLayout(file, entries, dataSize);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry entry : entries) {
                tensors.put(entry.name, entry.load(in, dataStart));
            }
            return new Contents(tensors, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path file, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith("{")) {
            throw bad(file, "the header does not start with '{' (not a safetensors file, or a corrupt one)");
        }
        try {
            JsonNode header = JSON.readTree(text);
            if (header == null || !header.isObject()) {
                throw bad(file, "the header is not a JSON object");
            }
            return header;
        } catch (JsonProcessingException e) {
            throw bad(file, "the header is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw bad(file, "__metadata__ must be an object of strings");
        }
        for (var field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw bad(file, "__metadata__ value '" + field.getKey() + "' is not a string");
            }
            into.put(field.getKey(), field.getValue().asText());
        }
    }

    /** Tensors must tile the data part exactly: sorted by offset, no gaps, no overlaps, nothing after the last. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(e -> e.begin));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin != expected) {
                throw bad(file, "tensor '" + e.name + "' starts at byte " + e.begin + " of the data but the previous "
                        + "tensor ends at " + expected + " (overlapping or with a gap: corrupt header)");
            }
            if (e.end > dataSize) {
                throw bad(file, "tensor '" + e.name + "' needs data bytes [" + e.begin + ", " + e.end + ") but the file has "
                        + "only " + dataSize + " bytes of data (truncated)");
            }
            expected = e.end;
        }
        if (expected != dataSize) {
            throw bad(file, "the data part has " + dataSize + " bytes but the tensors cover " + expected
                    + " (extra bytes at the end: corrupt file)");
        }
    }

    /** One tensor's header entry. */
    private record Entry(String name, String dtype, int[] shape, long begin, long end) {

        static Entry of(Path file, String name, JsonNode info) {
            JsonNode dtype = info.get("dtype"), shape = info.get("shape"), offsets = info.get("data_offsets");
            if (!info.isObject() || dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()
                    || offsets == null || !offsets.isArray() || offsets.size() != 2) {
                throw bad(file, "tensor '" + name + "' needs \"dtype\", \"shape\" and \"data_offsets\" [begin, end]");
            }
            int width = width(dtype.asText());
            if (width == 0) {
                throw bad(file, "tensor '" + name + "' has dtype " + dtype.asText()
                        + "; only F32, F16, BF16 and F64 can be read (convert it to float32 before saving)");
            }
            int[] dims = new int[shape.size()];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                JsonNode d = shape.get(i);
                if (!d.canConvertToInt() || d.asInt() < 0) {
                    throw bad(file, "tensor '" + name + "' has a bad shape " + shape);
                }
                dims[i] = d.asInt();
                count *= dims[i];
                if (count > Integer.MAX_VALUE - 8) {
                    throw bad(file, "tensor '" + name + "' of shape " + shape + " is too large for a Java array");
                }
            }
            if (!offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
                throw bad(file, "tensor '" + name + "' has bad data_offsets " + offsets);
            }
            long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
            if (begin < 0 || end < begin || end - begin != count * width) {
                throw bad(file, "tensor '" + name + "' of shape " + shape + " and dtype " + dtype.asText() + " needs "
                        + count * width + " bytes, but its data_offsets " + offsets + " span " + (end - begin));
            }
            return new Entry(name, dtype.asText(), dims, begin, end);
        }

        /** Bytes per element, or 0 for a dtype this reader does not convert. */
        static int width(String dtype) {
            return switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                case "F64" -> 8;
                default -> 0;
            };
        }

        Tensor load(FileChannel in, long dataStart) throws IOException {
            float[] values = new float[Shapes.size(shape)];
            int width = width(dtype);
            int perChunk = CHUNK_BYTES / width;
            for (int start = 0; start < values.length; start += perChunk) {
                int count = Math.min(perChunk, values.length - start);
                ByteBuffer bytes = readFully(in, dataStart + begin + (long) start * width, count * width)
                        .order(ByteOrder.LITTLE_ENDIAN);
                switch (dtype) {
                    case "F32" -> bytes.asFloatBuffer().get(values, start, count);
                    case "F16" -> {
                        for (int i = 0; i < count; i++) {
                            values[start + i] = Float.float16ToFloat(bytes.getShort());
                        }
                    }
                    case "BF16" -> { // bfloat16 is the top half of a float32
                        for (int i = 0; i < count; i++) {
                            values[start + i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                        }
                    }
                    default -> {
                        for (int i = 0; i < count; i++) {
                            values[start + i] = (float) bytes.getDouble();
                        }
                    }
                }
            }
            return Tensor.of(values, shape);
        }
    }

    private static ByteBuffer readFully(FileChannel in, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = in.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static FormatException bad(Path file, String problem) {
        return new FormatException("not a valid safetensors file: " + file + ": " + problem);
    }
}
