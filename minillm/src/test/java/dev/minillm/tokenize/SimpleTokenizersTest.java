package dev.minillm.tokenize;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte, character and word tokenizers: the baselines the chapter starts from. */
class SimpleTokenizersTest {

    @Test
    void bytesAreTheirOwnIds() {
        var bytes = new ByteTokenizer();
        assertThat(bytes.encode("Hi 你")).containsExactly('H', 'i', ' ', 0xE4, 0xBD, 0xA0);
        assertThat(bytes.decode(bytes.encode("Hi 你"))).isEqualTo("Hi 你");
        assertThat(bytes.vocabSize()).isEqualTo(256);
        assertThat(bytes.tokens("a你")).containsExactly("a", "<0xE4>", "<0xBD>", "<0xA0>");
        assertThat(bytes.decode(new int[] {0xE4, 'a'})).isEqualTo("\uFFFDa");
        assertThatThrownBy(() -> bytes.decode(new int[] {256})).hasMessageContaining("token id 256 is not in the vocabulary [0, 256)");
    }

    @Test
    void byteSpecialTokensFollowTheBytes() {
        var bytes = new ByteTokenizer(java.util.List.of("<|bos|>", "<|eos|>"));
        assertThat(bytes.specialTokens()).containsExactly(Map.entry("<|bos|>", 256), Map.entry("<|eos|>", 257));
        assertThat(bytes.encode("<|bos|>a", Set.of("<|bos|>"))).containsExactly(256, 'a');
        assertThat(bytes.encode("<|bos|>a")).hasSize(8); // not allowed: plain text
        assertThat(bytes.token(257)).isEqualTo("<|eos|>");
        assertThat(bytes.vocabSize()).isEqualTo(258);
    }

    @Test
    void charactersSeenInTrainingGetIdsTheRestAreUnknown() {
        var chars = CharTokenizer.train("hello 😉");
        // <unk>, then sorted code points: ' ', e, h, l, o, 😉
        assertThat(chars.vocabSize()).isEqualTo(7);
        assertThat(chars.encode("hole😉")).containsExactly(3, 5, 4, 2, 6);
        assertThat(chars.encode("help")).containsExactly(3, 2, 4, 0);
        assertThat(chars.decode(chars.encode("help"))).isEqualTo("hel<unk>");
        assertThat(chars.tokens("oh")).containsExactly("o", "h");
        assertThat(chars.lossless()).isFalse();
        assertThatThrownBy(() -> CharTokenizer.train("")).hasMessageContaining("training text is empty");
    }

    @Test
    void wordsAreCutByTheRegexAndRareOnesAreUnknown() {
        assertThat(WordTokenizer.split("It's 42 cats!  你好\n")).containsExactly("It", "'", "s", " ", "42", " ", "cats", "!", "  ", "你", "好", "\n");
        var words = WordTokenizer.train("the cat and the dog and the bird", 5, "<|end|>");
        // <unk>, then by count: " " (7), the (3), and (2); then <|end|>
        assertThat(words.vocabSize()).isEqualTo(5);
        assertThat(words.tokens("the bird and the cat")).containsExactly("the", " ", "<unk>", " ", "and", " ", "the", " ", "<unk>");
        assertThat(words.decode(words.encode("the and"))).isEqualTo("the and");
        assertThat(words.specialTokens()).containsEntry("<|end|>", 4);
        assertThatThrownBy(() -> WordTokenizer.train("", 100)).hasMessageContaining("training text is empty");
        assertThatThrownBy(() -> WordTokenizer.train("a b", 2, "<|end|>")).hasMessageContaining("target vocabulary of 2 is too small");
    }

    @Test
    void theWordPatternCoversEveryCharacter() {
        String text = "a\u00A0b\u0085c\uD83D d\u0301 ½";
        assertThat(String.join("", WordTokenizer.split(text))).isEqualTo(text);
    }
}
