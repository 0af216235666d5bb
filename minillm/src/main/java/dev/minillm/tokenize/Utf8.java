package dev.minillm.tokenize;

import java.io.ByteArrayOutputStream;

/**
 * UTF-8 both ways, with the error handling tokenizers need.
 *
 * <p>A byte-level tokenizer can be asked to decode any ids, and a cut through the middle of a
 * character gives bytes that are not valid UTF-8. {@link #decode(byte[])} then replaces each
 * <em>maximal ill-formed subpart</em> with one U+FFFD (�), the rule of the Unicode standard that
 * Python's {@code errors="replace"} and JavaScript's {@code TextDecoder} follow. (Java's own decoder
 * differs for encoded surrogates: it gives one � for {@code ED A0 80}, Python gives three.)
 *
 * <p>{@link #encode} writes a lone surrogate (half of an emoji, say) as U+FFFD, as JavaScript's
 * {@code TextEncoder} does; Java's {@code getBytes} would write {@code ?} instead.
 */
public final class Utf8 {

    /** The bytes of U+FFFD, the replacement character. */
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private Utf8() {}

    /** The UTF-8 bytes of a whole string. */
    public static byte[] encode(String text) {
        return encode(text, 0, text.length());
    }

    /** The UTF-8 bytes of {@code text[start, end)} (char indices); lone surrogates become U+FFFD. */
    public static byte[] encode(CharSequence text, int start, int end) {
        int length = end - start;
        byte[] ascii = new byte[length];
        for (int i = 0; i < length; i++) { // most text is ASCII: one byte per char
            char c = text.charAt(start + i);
            if (c >= 0x80) {
                return encodeSlowly(text, start, end);
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    private static byte[] encodeSlowly(CharSequence text, int start, int end) {
        var out = new ByteArrayOutputStream((end - start) * 3);
        int i = start;
        while (i < end) {
            char c = text.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(i + 1));
                i++;
            }
            i++;
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                out.writeBytes(REPLACEMENT); // half a surrogate pair has no UTF-8 form
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** Text from UTF-8 bytes; each maximal ill-formed subpart becomes one U+FFFD. */
    public static String decode(byte[] bytes) {
        return decode(bytes, false);
    }

    /**
     * Text from UTF-8 bytes for showing a token: whole characters as themselves, every byte that is
     * not part of a whole character as {@code <0xE4>}.
     */
    public static String readable(byte[] bytes) {
        return decode(bytes, true);
    }

    private static String decode(byte[] bytes, boolean showBadBytes) {
        var text = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int length = validSequenceLength(bytes, i);
            if (length > 0) {
                text.appendCodePoint(codePoint(bytes, i, length));
                i += length;
            } else {
                int bad = -length; // the maximal ill-formed subpart: 1 to 3 bytes
                if (showBadBytes) {
                    for (int k = i; k < i + bad; k++) {
                        text.append(String.format("<0x%02X>", bytes[k] & 0xFF));
                    }
                } else {
                    text.append('\uFFFD');
                }
                i += bad;
            }
        }
        return text.toString();
    }

    /**
     * The length of the well-formed character starting at {@code i}, or minus the number of bytes
     * to replace by one U+FFFD. The allowed ranges are table 3-7 of the Unicode standard: they rule
     * out overlong forms (C0 AF for '/'), surrogates (ED A0 80) and code points above U+10FFFF.
     */
    private static int validSequenceLength(byte[] bytes, int i) {
        int b0 = bytes[i] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int length;
        int low = 0x80;
        int high = 0xBF; // the allowed range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            length = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            length = 3;
            if (b0 == 0xE0) low = 0xA0;
            if (b0 == 0xED) high = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            length = 4;
            if (b0 == 0xF0) low = 0x90;
            if (b0 == 0xF4) high = 0x8F;
        } else {
            return -1; // a continuation byte or a byte that never occurs in UTF-8
        }
        for (int k = 1; k < length; k++) {
            if (i + k >= bytes.length) {
                return -k; // the text ends inside the character
            }
            int b = bytes[i + k] & 0xFF;
            boolean ok = k == 1 ? b >= low && b <= high : b >= 0x80 && b <= 0xBF;
            if (!ok) {
                return -k;
            }
        }
        return length;
    }

    private static int codePoint(byte[] bytes, int i, int length) {
        int b0 = bytes[i] & 0xFF;
        return switch (length) {
            case 1 -> b0;
            case 2 -> (b0 & 0x1F) << 6 | bytes[i + 1] & 0x3F;
            case 3 -> (b0 & 0x0F) << 12 | (bytes[i + 1] & 0x3F) << 6 | bytes[i + 2] & 0x3F;
            default -> (b0 & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6 | bytes[i + 3] & 0x3F;
        };
    }
}
