package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** decode(encode(s)) == s: for every string with the lossless tokenizers, for known text with the others. */
class RoundTripTest {

    static List<Tokenizer> lossless;
    static CharTokenizer chars;
    static WordTokenizer words;

    @BeforeContainer
    static void train() {
        String prose = Corpus.english().text().substring(0, 10_000) + Corpus.chinese().text().substring(0, 2_000);
        lossless = List.of(
                new ByteTokenizer(List.of("<|end|>")),
                BpeTokenizer.train(prose, 500, "<|end|>"),
                TestFiles.gpt2Excerpt(),
                UnigramTokenizer.train(prose, 1500, "<|end|>"));
        chars = CharTokenizer.train("abc xyz 你好😉\n");
        words = WordTokenizer.train("the cat sat on the mat, 42 times!\n", 100);
    }

    @Property(tries = 500)
    void losslessTokenizersGiveBackAnyString(@ForAll("unicode") String text) {
        for (Tokenizer tokenizer : lossless) {
            assertThat(tokenizer.lossless()).isTrue();
            assertThat(tokenizer.decode(tokenizer.encode(text))).as("%s", tokenizer).isEqualTo(text);
        }
    }

    @Property(tries = 200)
    void specialTokensSurviveTheRoundTripToo(@ForAll("unicode") String before, @ForAll("unicode") String after) {
        for (Tokenizer tokenizer : lossless) {
            Set<String> allowed = tokenizer.specialTokens().keySet();
            String special = allowed.iterator().next();
            String text = before + special + after;
            int[] ids = tokenizer.encode(text, allowed);
            assertThat(ids).contains(tokenizer.specialTokens().get(special));
            assertThat(tokenizer.decode(ids)).as("%s", tokenizer).isEqualTo(text);
        }
    }

    @Provide
    Arbitrary<String> unicode() {
        return TokenizerArbitraries.unicodeStrings();
    }

    @Property(tries = 200)
    void characterAndWordTokenizersGiveBackTextTheyKnow(@ForAll("knownCharacters") String charText, @ForAll("knownWords") String wordText) {
        assertThat(chars.decode(chars.encode(charText))).isEqualTo(charText);
        assertThat(words.decode(words.encode(wordText))).isEqualTo(wordText);
    }

    @Provide
    Arbitrary<String> knownCharacters() {
        return Arbitraries.of("a", "b", "c", " ", "x", "y", "z", "你", "好", "😉", "\n").list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> knownWords() {
        // each word followed by one separator, so pieces never run together into an unknown word
        Arbitrary<String> wordAndSeparator = Arbitraries.of("the", "cat", "sat", "on", "mat", "42", "times")
                .flatMap(w -> Arbitraries.of(" ", ",", "!", "\n").map(sep -> w + sep));
        return wordAndSeparator.list().ofMaxSize(20).map(l -> String.join("", l));
    }
}
