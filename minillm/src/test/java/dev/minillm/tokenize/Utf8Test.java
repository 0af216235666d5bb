package dev.minillm.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void validTextEncodesLikeTheJdk() {
        for (String text : List.of("", "plain ASCII", "café", "你好", "😉 emoji", "ﬁ\u0000\uFFFF")) {
            assertThat(Utf8.encode(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
            assertThat(Utf8.decode(Utf8.encode(text))).isEqualTo(text);
        }
        assertThat(Utf8.encode("a😉b", 1, 3)).isEqualTo("😉".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void loneSurrogatesEncodeAsTheReplacementCharacterLikeJavaScript() {
        byte[] replacement = bytes(0xEF, 0xBF, 0xBD);
        assertThat(Utf8.encode("\uD83D")).isEqualTo(replacement);
        assertThat(Utf8.encode("\uDC00x")).isEqualTo(bytes(0xEF, 0xBF, 0xBD, 'x'));
        assertThat(Utf8.encode("😉".substring(0, 1) + "😉")).hasSize(3 + 4);
    }

    /** The same answers as Python's bytes.decode("utf-8", errors="replace"), checked by hand. */
    @Test
    void invalidBytesBecomeOneReplacementPerMaximalSubpart() {
        assertThat(Utf8.decode(bytes(0xFF))).isEqualTo("\uFFFD");
        assertThat(Utf8.decode(bytes(0xE2, 0x82))).isEqualTo("\uFFFD");                   // cut short
        assertThat(Utf8.decode(bytes(0xE4, 0xBD, 'a'))).isEqualTo("\uFFFDa");
        assertThat(Utf8.decode(bytes(0xF0, 0x80, 0x80, 0x80))).isEqualTo("\uFFFD".repeat(4)); // overlong
        assertThat(Utf8.decode(bytes(0xC0, 0xAF))).isEqualTo("\uFFFD".repeat(2));        // overlong '/'
        assertThat(Utf8.decode(bytes(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD".repeat(3));  // a surrogate; the JDK gives one
        assertThat(Utf8.decode(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\uFFFD".repeat(4)); // above U+10FFFF
        assertThat(Utf8.decode(bytes(0xF0, 0x9F, 0x98))).isEqualTo("\uFFFD");
        assertThat(Utf8.decode(bytes('o', 'k', 0x80, 'x'))).isEqualTo("ok\uFFFDx");
    }

    @Test
    void readableShowsBytesThatAreNotWholeCharacters() {
        assertThat(Utf8.readable("你".getBytes(StandardCharsets.UTF_8))).isEqualTo("你");
        assertThat(Utf8.readable(bytes(0xE4, 0xBD))).isEqualTo("<0xE4><0xBD>");
        assertThat(Utf8.readable(bytes(' ', 0xE4, 0xBD, 0xA0, 0xE5))).isEqualTo(" 你<0xE5>");
    }

    @Property(tries = 300)
    void validStringsSurviveTheRoundTrip(@ForAll("unicode") String text) {
        assertThat(Utf8.decode(Utf8.encode(text))).isEqualTo(text);
        assertThat(Utf8.encode(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> unicode() {
        return TokenizerArbitraries.unicodeStrings();
    }

    /** Random byte strings, biased to the bytes of UTF-8, decoded by us and by node's TextDecoder. */
    @Test
    void randomBytesDecodeLikeJavaScriptsTextDecoder() throws Exception {
        int[] interesting = {0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        var random = new SplittableRandom(7);
        List<byte[]> inputs = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            byte[] input = new byte[random.nextInt(1, 9)];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : interesting[random.nextInt(interesting.length)]);
            }
            inputs.add(input);
        }
        var json = new ObjectMapper();
        List<List<Integer>> unsigned = inputs.stream().map(b -> {
            List<Integer> values = new ArrayList<>();
            for (byte x : b) {
                values.add(x & 0xFF);
            }
            return values;
        }).toList();
        String output = TestFiles.node("utf8-decode.js", TestFiles.tempFile(json.writeValueAsString(unsigned)).toString());
        int[][] expected = json.readValue(output, int[][].class);
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(Utf8.decode(inputs.get(i)).codePoints().toArray()).as("bytes %s", unsigned.get(i)).isEqualTo(expected[i]);
        }
    }
}
