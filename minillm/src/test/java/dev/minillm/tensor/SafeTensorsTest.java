package dev.minillm.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The safetensors format byte by byte, round trips, atomic writes, and clear errors on bad files. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("fc1.weight", Tensor.randn(1, 3, 4));
        tensors.put("fc1.bias", Tensor.vector(-0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE));
        tensors.put("step", Tensor.scalar(7));
        tensors.put("empty", Tensor.zeros(0, 5));
        tensors.put("view", Tensor.arange(6).reshape(2, 3).transpose()); // written in its logical order
        return tensors;
    }

    @Test
    void roundTripKeepsNamesOrderShapesBitsAndMetadata() {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = sample();
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcode ✓"));
        SafeTensors.Contents read = SafeTensors.read(file);
        assertThat(read.tensors().keySet()).containsExactlyElementsOf(tensors.keySet());
        tensors.forEach((name, t) -> {
            Tensor back = read.tensors().get(name);
            assertThat(back.shape()).as(name).containsExactly(t.shape());
            int[] expected = bits(t.toArray()), actual = bits(back.toArray());
            assertThat(actual).as(name).containsExactly(expected);
        });
        assertThat(read.metadata()).containsEntry("format", "pt").containsEntry("note", "ünïcode ✓");
    }

    /** The raw bits, so that NaN, -0 and subnormals compare exactly. */
    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void theBytesFollowTheFormat() throws IOException {
        Path file = dir.resolve("two.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.vector(1, 2));
        tensors.put("b", Tensor.matrix(new float[][] {{3}, {4}, {5}}));
        SafeTensors.write(file, tensors, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buffer.getLong(0);
        assertThat(headerLength % 8).as("header padded to 8 bytes").isZero();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        assertThat(header.get("__metadata__").get("k").asText()).isEqualTo("v");
        assertThat(header.get("a").toString()).isEqualTo("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}");
        assertThat(header.get("b").toString()).isEqualTo("{\"dtype\":\"F32\",\"shape\":[3,1],\"data_offsets\":[8,20]}");
        int data = 8 + (int) headerLength;
        assertThat(bytes.length).isEqualTo(data + 20);
        for (int i = 0; i < 5; i++) {
            assertThat(buffer.getFloat(data + 4 * i)).isEqualTo(i + 1f);
        }
    }

    @Test
    void writesAreAtomicAndLeaveNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("sub/dir/ckpt.safetensors");
        SafeTensors.write(file, Map.of("x", Tensor.ones(2)));
        SafeTensors.write(file, Map.of("x", Tensor.zeros(3))); // replaces the old one
        assertThat(SafeTensors.read(file).tensors().get("x").shape()).containsExactly(3);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ckpt.safetensors");
        }
        Path blocked = dir.resolve("not-a-dir");
        Files.writeString(blocked, "a file where a folder is needed");
        assertThatThrownBy(() -> SafeTensors.write(blocked.resolve("x.safetensors"), Map.of("x", Tensor.ones(1))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write");
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("__metadata__", Tensor.ones(1))))
                .hasMessageContaining("cannot be a tensor name");
    }

    @Test
    void largeTensorsCrossTheChunkBoundaries() {
        Path file = dir.resolve("large.safetensors");
        Tensor big = Tensor.randn(3, (1 << 20) + 123); // more than one 4 MiB chunk
        SafeTensors.write(file, Map.of("big", big, "after", Tensor.vector(42)));
        Map<String, Tensor> read = SafeTensors.read(file).tensors();
        assertThat(read.get("big").toArray()).isEqualTo(big.toArray()); // (containsExactly is slow on a million floats)
        assertThat(read.get("after").item()).isEqualTo(42);
    }

    @Test
    void readsHalfPrecisionBfloat16AndDouble() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 * 2 + 2 * 2 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        data.putShort((short) (Float.floatToRawIntBits(3.25f) >>> 16)).putShort((short) (Float.floatToRawIntBits(-0.5f) >>> 16));
        data.putDouble(0.1);
        Path file = handWritten("""
                {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},\
                "b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},\
                "d":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}""", data.array());
        Map<String, Tensor> read = SafeTensors.read(file).tensors();
        assertThat(read.get("h").toArray()).containsExactly(1.5f, -2f);
        assertThat(read.get("b").toArray()).containsExactly(3.25f, -0.5f);
        assertThat(read.get("d").item()).isEqualTo(0.1f);
    }

    /** A file with the given header and data bytes. */
    private Path handWritten(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json).put(data);
        Path path = Files.createTempFile(dir, "hand", ".safetensors");
        Files.write(path, file.array());
        return path;
    }

    private void assertBad(byte[] bytes, String... messageParts) throws IOException {
        Path path = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(path, bytes);
        assertThatThrownBy(() -> SafeTensors.read(path)).isInstanceOf(SafeTensors.FormatException.class)
                .hasMessageContaining(path.toString()).hasMessageContainingAll(messageParts);
    }

    @Test
    void truncatedAndCorruptFilesGiveClearErrors() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, Map.of("w", Tensor.ones(4)));
        byte[] bytes = Files.readAllBytes(good);

        assertBad(new byte[0], "0 bytes, fewer than the 8-byte header length");
        assertBad(Arrays.copyOf(bytes, 5), "5 bytes");
        assertBad(Arrays.copyOf(bytes, 20), "only 12 follow the length (truncated)");
        assertBad(Arrays.copyOf(bytes, bytes.length - 3), "needs data bytes [0, 16) but the file has only 13", "truncated");
        assertBad(Arrays.copyOf(bytes, bytes.length + 4), "the data part has 20 bytes but the tensors cover 16");
        byte[] hugeLength = bytes.clone();
        ByteBuffer.wrap(hugeLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertBad(hugeLength, "header length", "not plausible");
        assertBad("GIF89a..........".getBytes(StandardCharsets.US_ASCII), "not plausible");
    }

    @Test
    void badHeadersGiveClearErrors() throws IOException {
        byte[] sixteen = new byte[16];
        assertBad(file("[1, 2]", sixteen), "does not start with '{'");
        assertBad(file("{\"w\": {\"dtype\": \"F32\"", sixteen), "not valid JSON");
        assertBad(file("{\"w\": {\"dtype\": \"F32\", \"shape\": [4]}}", sixteen), "needs \"dtype\", \"shape\" and \"data_offsets\"");
        assertBad(file("{\"w\": {\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [0, 16]}}", sixteen),
                "dtype I64; only F32, F16, BF16 and F64");
        assertBad(file("{\"w\": {\"dtype\": \"F32\", \"shape\": [5], \"data_offsets\": [0, 16]}}", sixteen),
                "tensor 'w' of shape [5] and dtype F32 needs 20 bytes, but its data_offsets [0,16] span 16");
        assertBad(file("{\"w\": {\"dtype\": \"F32\", \"shape\": [-4], \"data_offsets\": [0, 16]}}", sixteen), "bad shape");
        assertBad(file("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + "\"b\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [4, 16]}}", sixteen),
                "tensor 'b' starts at byte 4", "overlapping or with a gap");
        assertBad(file("{\"__metadata__\": {\"n\": 3}}", new byte[0]), "__metadata__ value 'n' is not a string");
    }

    private static byte[] file(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> SafeTensors.read(dir.resolve("nothing.safetensors")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot read");
    }

    @Test
    void readsTheFilesPythonWrote() {
        Map<String, Tensor> golden = GoldenTest.golden("optimizers.safetensors");
        assertThat(golden).containsKeys("c", "d", "initial", "sgd.step0");
        assertThat(golden.get("initial").shape()).containsExactly(6);
    }
}
