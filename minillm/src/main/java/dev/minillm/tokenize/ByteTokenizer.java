package dev.minillm.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simplest lossless tokenizer: one token per UTF-8 byte, ids 0..255 being the byte values;
 * special tokens follow from id 256.
 *
 * <p>Nothing to train and nothing unknown, but sequences are long: one id per byte, three per
 * Chinese character. Byte-level BPE starts from this vocabulary and merges frequent pairs.
 */
public final class ByteTokenizer implements Tokenizer {

    private final Map<String, Integer> specialTokens;
    private final Map<Integer, String> specialText = new HashMap<>();

    /** A byte tokenizer with no special tokens. */
    public ByteTokenizer() {
        this(List.of());
    }

    /** A byte tokenizer whose special tokens get ids 256, 257, ... in the given order. */
    public ByteTokenizer(List<String> specialTokens) {
        this.specialTokens = SpecialTokens.number(specialTokens, 256);
        this.specialTokens.forEach((text, id) -> specialText.put(id, text));
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = Utf8.encode(text);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF; // Java bytes are signed: -1 is byte 0xFF, id 255
        }
        return ids;
    }

    /** The text of the ids; bytes that are not valid UTF-8 become U+FFFD (see {@link Utf8#decode}). */
    @Override
    public String decode(int[] ids) {
        var bytes = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            checkId(id);
            if (id < 256) {
                bytes.write(id);
            } else {
                bytes.writeBytes(Utf8.encode(specialText.get(id)));
            }
        }
        return Utf8.decode(bytes.toByteArray());
    }

    @Override
    public int vocabSize() {
        return 256 + specialTokens.size();
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    @Override
    public String token(int id) {
        checkId(id);
        return id < 256 ? Utf8.readable(new byte[] {(byte) id}) : specialText.get(id);
    }

    @Override
    public boolean lossless() {
        return true;
    }

    /** Saves as JSON with only the common fields: the special tokens say it all. */
    @Override
    public Path save(Path file) {
        return TokenizerFile.write(TokenizerFile.start("byte", specialTokens), file);
    }

    static ByteTokenizer fromFile(TokenizerFile.Fields fields) {
        Map<String, Integer> specials = fields.specialTokens();
        ByteTokenizer tokenizer;
        try {
            tokenizer = new ByteTokenizer(List.copyOf(specials.keySet()));
        } catch (IllegalArgumentException e) {
            throw fields.corrupt(e.getMessage());
        }
        if (!tokenizer.specialTokens.equals(specials)) {
            throw fields.corrupt("special token ids must be 256, 257, ... in order; got " + specials);
        }
        return tokenizer;
    }

    @Override
    public String toString() {
        return "bytes (" + vocabSize() + " tokens)";
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary [0, " + vocabSize() + ")");
        }
    }
}
