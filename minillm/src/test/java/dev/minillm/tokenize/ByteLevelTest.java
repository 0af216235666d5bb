package dev.minillm.tokenize;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteLevelTest {

    @Test
    void everyByteHasItsOwnPrintableCharacter() {
        var chars = new HashSet<Character>();
        IntStream.range(0, 256).forEach(b -> chars.add(ByteLevel.charOf(b)));
        assertThat(chars).hasSize(256).allSatisfy(c -> assertThat(Character.isWhitespace(c) || Character.isISOControl(c)).isFalse());
        IntStream.range(0, 256).forEach(b -> assertThat(ByteLevel.byteOf(ByteLevel.charOf(b))).isEqualTo(b));
    }

    @Test
    void printableLatin1StandsForItselfAndTheRestMovesUp() {
        assertThat(ByteLevel.charOf('A')).isEqualTo('A');
        assertThat(ByteLevel.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevel.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevel.charOf(0)).isEqualTo('Ā');
        assertThat(ByteLevel.encode(" the".getBytes(StandardCharsets.UTF_8))).isEqualTo("Ġthe");
        assertThat(ByteLevel.encode("你".getBytes(StandardCharsets.UTF_8))).isEqualTo("ä½ł");
    }

    @Test
    void decodingRejectsCharactersThatStandForNoByte() {
        assertThat(ByteLevel.decode("Ġthe")).isEqualTo(" the".getBytes(StandardCharsets.UTF_8));
        assertThat(ByteLevel.isByteLevel("你")).isFalse();
        assertThatThrownBy(() -> ByteLevel.decode("a你")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+4F60").hasMessageContaining("stands for no byte");
    }
}
