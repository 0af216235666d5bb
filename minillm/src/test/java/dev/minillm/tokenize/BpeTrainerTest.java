package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTrainerTest {

    /** The example of Wikipedia's "Byte pair encoding" article, also minbpe's first test. */
    @Test
    void wikipediasExampleMergesTheMostFrequentPairFirst() {
        var result = BpeTrainer.train("aaabdaaabac", 256 + 3, List.of());
        assertThat(result.trace()).containsExactly(
                new BpeTrainer.Step(0, 'a', 'a', 256, 4, "aa"),
                new BpeTrainer.Step(1, 'a', 'b', 257, 2, "ab"), // ties with (aa, a): the smaller left id wins
                new BpeTrainer.Step(2, 256, 257, 258, 2, "aaab"));
        BpeTokenizer bpe = result.tokenizer();
        assertThat(bpe.encode("aaabdaaabac")).containsExactly(258, 'd', 258, 'a', 'c');
        assertThat(bpe.merges()).extracting(BpeTokenizer.Merge::token).containsExactly(256, 257, 258);
        assertThat(bpe.vocabSize()).isEqualTo(259);
        assertThat(bpe.token(258)).isEqualTo("aaab");
    }

    @Test
    void mergesNeverCrossChunkBoundaries() {
        BpeTokenizer bpe = BpeTrainer.train("ab ab ab ab", 300, List.of()).tokenizer();
        // chunks: "ab", " ab" x3 -> merges: (a,b)... never (b, ' ')
        assertThat(bpe.merges()).allSatisfy(m -> assertThat(bpe.token(m.token())).doesNotEndWith(" "));
        assertThat(bpe.tokens("ab ab")).containsExactly("ab", " ab");
    }

    @Test
    void trainingStopsWhenEveryChunkIsOneToken() {
        var result = BpeTrainer.train("a b c", 1000, List.of("<|end|>"));
        assertThat(result.trace()).extracting(BpeTrainer.Step::text).containsExactly(" b", " c");
        assertThat(result.tokenizer().vocabSize()).isEqualTo(256 + 2 + 1);
        assertThat(result.tokenizer().specialTokens()).containsEntry("<|end|>", 258);
    }

    @Test
    void specialTokensComeAfterTheMergesAndCountInTheVocabulary() {
        BpeTokenizer bpe = BpeTokenizer.train(Corpus.english().text().substring(0, 20_000), 300, "<|endoftext|>", "<|pad|>");
        assertThat(bpe.vocabSize()).isEqualTo(300);
        assertThat(bpe.merges()).hasSize(300 - 256 - 2);
        assertThat(bpe.specialTokens()).containsExactly(java.util.Map.entry("<|endoftext|>", 298), java.util.Map.entry("<|pad|>", 299));
        int[] ids = bpe.encode("the end<|endoftext|>", Set.of("<|endoftext|>"));
        assertThat(ids[ids.length - 1]).isEqualTo(298);
        assertThat(bpe.decode(ids)).isEqualTo("the end<|endoftext|>");
    }

    @Test
    void theFastTrainerLearnsExactlyThePlainTrainersMerges() {
        for (String text : List.of(Corpus.english().text().substring(0, 20_000), Corpus.chinese().text().substring(0, 5_000),
                TestFiles.read(TestFiles.resource("mixed.txt")))) {
            var fast = BpeTrainer.train(text, 256 + 300, List.of());
            var plain = BpeTrainer.trainPlain(text, 256 + 300, List.of());
            assertThat(fast.trace()).isEqualTo(plain.trace());
            assertThat(fast.tokenizer().encode(text)).isEqualTo(plain.tokenizer().encode(text));
        }
    }

    @Property(tries = 200)
    void theFastTrainerAgreesOnRandomTexts(@ForAll("texts") String text) {
        assertThat(BpeTrainer.train(text, 256 + 40, List.of()).trace())
                .isEqualTo(BpeTrainer.trainPlain(text, 256 + 40, List.of()).trace());
    }

    @Provide
    Arbitrary<String> texts() {
        // few letters, so pairs repeat and counts tie often
        return Arbitraries.of("a", "b", "ab", " a", " b", "aa", "\n", " ", "'s", "1", "é", "😉").list().ofMinSize(1).ofMaxSize(60)
                .map(parts -> String.join("", parts));
    }

    @Test
    void trainingIsDeterministicAndIgnoresTheOrderOfWords() {
        String a = " the cat sat on the mat;";
        String b = " the mat sat on the cat";
        String text = a + b;
        String shuffled = b + a; // the same chunks in another order
        var first = BpeTrainer.train(text, 280, List.of()).trace();
        assertThat(BpeTrainer.train(text, 280, List.of()).trace()).isEqualTo(first);
        assertThat(BpeTrainer.train(shuffled, 280, List.of()).trace()).isEqualTo(first);
    }

    @Test
    void aTrainedTokenizerRoundTripsAnyTextAndItsEncodersAgree() {
        String training = Corpus.english().text().substring(0, 30_000);
        BpeTokenizer bpe = BpeTokenizer.train(training, 512);
        for (String text : List.of(training, "Unseen: 你好 😉 \u0000 Ωμέγα", "", "  \n\n  ")) {
            assertThat(bpe.encode(text)).isEqualTo(bpe.encodePlain(text));
            assertThat(bpe.decode(bpe.encode(text))).isEqualTo(text);
        }
        assertThat(bpe.encode(training).length).isLessThan(training.length() / 2); // it compresses
    }

    @Test
    void badArgumentsAreRejectedWithAReason() {
        assertThatThrownBy(() -> BpeTrainer.train("", 300, List.of())).hasMessageContaining("training text is empty");
        assertThatThrownBy(() -> BpeTrainer.trainPlain("", 300, List.of())).hasMessageContaining("training text is empty");
        assertThatThrownBy(() -> BpeTrainer.train("text", 200, List.of()))
                .hasMessageContaining("target vocabulary of 200 tokens is smaller than the base alphabet").hasMessageContaining("at least 256");
        assertThatThrownBy(() -> BpeTrainer.train("text", 256, List.of("<|end|>"))).hasMessageContaining("at least 257");
        assertThatThrownBy(() -> BpeTrainer.train("text", 300, List.of("<|a|>", "<|a|>"))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> BpeTrainer.train("text", 300, List.of(""))).hasMessageContaining("cannot be empty");
    }
}
