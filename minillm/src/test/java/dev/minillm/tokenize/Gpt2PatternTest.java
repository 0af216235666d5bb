package dev.minillm.tokenize;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Gpt2PatternTest {

    static void splits(String text, String... chunks) {
        assertThat(Gpt2Pattern.split(text)).as("split(%s)", text).containsExactly(chunks);
        assertThat(Gpt2Pattern.splitPlain(text)).as("splitPlain(%s)", text).containsExactly(chunks);
    }

    @Test
    void wordsTakeTheSpaceBeforeThem() {
        splits("Hello world", "Hello", " world");
        splits("", new String[0]);
        splits("a", "a");
        splits(" a", " a");
    }

    @Test
    void contractionsAreTheirOwnChunksButOnlyInLowerCase() {
        splits("I'll we've she'd it's", "I", "'ll", " we", "'ve", " she", "'d", " it", "'s");
        splits("I'LL", "I", "'", "LL");
        splits("'sx", "'s", "x");
        splits("rock 'n' roll", "rock", " '", "n", "'", " roll");
    }

    @Test
    void aRunOfSpacesLeavesItsLastSpaceToTheNextWord() {
        splits("a   b", "a", "  ", " b");
        splits("a \n b", "a", " \n", " b");
        splits("a\n\nb", "a", "\n", "\n", "b");
        splits("end   ", "end", "   ");
        splits("\t tab", "\t", " tab");
    }

    @Test
    void lettersDigitsAndOtherMarksMakeSeparateRuns() {
        splits("abc123def", "abc", "123", "def");
        splits("x = 3.14!!", "x", " =", " 3", ".", "14", "!!");
        splits("Ⅻ½٣", "Ⅻ½٣"); // all \p{N}
        splits("你好，世界！", "你好", "，", "世界", "！");
    }

    @Test
    void emojiAndSurrogatePairsStayWhole() {
        splits("hi 😉😉!", "hi", " 😉😉!");
        splits("👨\u200D👩", "👨\u200D👩");
        splits("a\uD83Db", "a", "\uD83D", "b"); // a lone surrogate is an "other" character, as in JavaScript
    }

    @Test
    void whitespaceIsJavaScriptsWhitespace() {
        splits("a\u00A0b", "a", "\u00A0", "b");   // no-break space is \s in JavaScript
        splits("a\uFEFF\uFEFFb", "a", "\uFEFF", "\uFEFF", "b");
        splits("a\u0085b", "a", "\u0085", "b");   // NEL is not \s in JavaScript: an "other" mark
        splits(" \u0085", " \u0085");
    }

    @Property(tries = 1000)
    void theScannerAgreesWithTheRegexAndLosesNothing(@ForAll("strings") String text) {
        List<String> chunks = Gpt2Pattern.split(text);
        assertThat(chunks).isEqualTo(Gpt2Pattern.splitPlain(text));
        assertThat(String.join("", chunks)).isEqualTo(text);
    }

    @Provide
    Arbitrary<String> strings() {
        return TokenizerArbitraries.anyStrings();
    }
}
