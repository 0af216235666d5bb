package dev.minillm.tokenize;

/**
 * GPT-2's trick for writing bytes as text: each of the 256 byte values gets one printable character.
 *
 * <p>GPT-2's vocabulary files are text, but its tokens are byte strings, and many bytes (space,
 * newline, control codes, the pieces of a multi-byte character) would be invisible or break the
 * file format. So the 188 bytes that are already printable Latin-1 characters ({@code !..~},
 * {@code ¡..¬}, {@code ®..ÿ}) stand for themselves and the other 68 are moved to the characters
 * from U+0100 on, in byte order: space (0x20) becomes {@code Ġ} (U+0120), newline {@code Ċ}. The
 * token " the" is therefore written {@code Ġthe} in {@code encoder.json}.
 */
public final class ByteLevel {

    /** byte value to its stand-in character. */
    private static final char[] CHAR_OF_BYTE = new char[256];
    /** stand-in character to byte value, -1 where a character stands for no byte. */
    private static final int[] BYTE_OF_CHAR = new int[256 + 68];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int moved = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= '¡' && b <= '¬' || b >= '®' && b <= 'ÿ';
            char c = printable ? (char) b : (char) (256 + moved++);
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevel() {}

    /** The character that stands for one byte value (0..255). */
    public static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte value a character stands for, or -1 if it stands for none. */
    public static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** Bytes as their stand-in characters, e.g. the bytes of " the" as {@code Ġthe}. */
    public static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = charOf(bytes[i]);
        }
        return new String(chars);
    }

    /**
     * The bytes a string of stand-in characters means.
     *
     * @throws IllegalArgumentException if a character stands for no byte
     */
    public static byte[] decode(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = byteOf(text.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException("'" + text + "' is not byte-level text: character U+"
                        + String.format("%04X", (int) text.charAt(i)) + " stands for no byte");
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    /** True when every character of the text stands for a byte. */
    public static boolean isByteLevel(String text) {
        return text.chars().allMatch(c -> byteOf((char) c) >= 0);
    }
}
