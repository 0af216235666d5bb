package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CompressionTest {

    @Test
    void bytesPerCharacterShowTheScript() {
        var english = Compression.measure(new ByteTokenizer(), Corpus.english());
        var chinese = Compression.measure(new ByteTokenizer(), Corpus.chinese());
        assertThat(english.tokens()).isEqualTo(english.bytes());
        assertThat(english.tokensPerCharacter()).isCloseTo(1.0, within(0.01));
        assertThat(chinese.tokensPerCharacter()).isGreaterThan(2.5); // a Han character is three UTF-8 bytes
        assertThat(english.bytesPerToken()).isEqualTo(1.0);
        assertThat(Compression.table(List.of(english, chinese)).rowCount()).isEqualTo(2);
    }

    @Test
    void gpt2NeedsFarMoreTokensPerCharacterForChinese() {
        BpeTokenizer gpt2 = TestFiles.fullGpt2();
        var english = Compression.measure(gpt2, Corpus.english());
        var chinese = Compression.measure(gpt2, Corpus.chinese());
        assertThat(english.tokensPerCharacter()).isBetween(0.18, 0.3);
        assertThat(chinese.tokensPerCharacter()).isGreaterThan(1.0);
        var table = Compression.table(List.of(english, chinese));
        assertThat(table.columnNames()).containsExactly("tokenizer", "corpus", "characters", "tokens", "tokens/char", "bytes/token");
        assertThat(table.stringColumn("corpus").asList()).containsExactly("english", "chinese");
    }

    @Test
    void charactersAreCountedAsCodePoints() {
        var corpus = Corpus.of("emoji", "😉😉 ab");
        var measured = Compression.measure(new ByteTokenizer(), corpus);
        assertThat(measured.characters()).isEqualTo(5);
        assertThat(measured.bytes()).isEqualTo(11);
        assertThat(measured.tokens()).isEqualTo(11);
    }
}
