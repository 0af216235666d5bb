package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UnigramTest {

    static final String PROSE = Corpus.english().text().substring(0, 20_000);
    static final UnigramTokenizer TRAINED = UnigramTokenizer.train(PROSE, 800);

    /** Pieces with probabilities 0.3, 0.2, 0.2, 0.15, 0.1, 0.05 (ids 256..261). */
    static UnigramTokenizer handMade() {
        List<String> pieces = List.of("▁", "a", "b", "ab", "▁ab", "c");
        double[] probabilities = {0.3, 0.2, 0.2, 0.15, 0.1, 0.05};
        return new UnigramTokenizer(pieces, java.util.Arrays.stream(probabilities).map(Math::log).toArray(), List.of("<s>"));
    }

    @Test
    void viterbiPicksTheMostProbableSegmentation() {
        var unigram = handMade();
        // "ab": a·b = 0.04 < ab = 0.15.  " ab": ▁·ab = 0.045 < ▁ab = 0.1
        assertThat(unigram.tokens("ab ab")).containsExactly("ab", "▁ab");
        assertThat(unigram.encode("ab ab")).containsExactly(259, 260);
        assertThat(unigram.decode(unigram.encode("ab ab"))).isEqualTo("ab ab");
        assertThat(unigram.score(259)).isCloseTo(Math.log(0.15), within(1e-12));
        assertThat(unigram.vocabSize()).isEqualTo(256 + 6 + 1);
    }

    @Test
    void charactersWithoutAPieceFallBackToBytes() {
        var unigram = handMade();
        assertThat(unigram.tokens("a你")).containsExactly("a", "<0xE4>", "<0xBD>", "<0xA0>");
        assertThat(unigram.decode(unigram.encode("a你 d"))).isEqualTo("a你 d");
        // A literal ▁ is not a space: it is spelt in bytes so that it comes back as itself.
        assertThat(unigram.tokens("▁")).containsExactly("<0xE2>", "<0x96>", "<0x81>");
        assertThat(unigram.decode(unigram.encode("a▁ ▁b"))).isEqualTo("a▁ ▁b");
        assertThat(unigram.decode(new int[] {0xE4, 257})).isEqualTo("\uFFFDa");
    }

    @Test
    void expectedCountsSumOverAllSegmentations() {
        var pieces = Map.of("a", 0, "b", 1, "ab", 2);
        double[] scores = {Math.log(0.2), Math.log(0.3), Math.log(0.1)};
        var lattice = new Lattice(new int[] {'a', 'b'}, 0, 2, pieces, 2, -1);
        double[] expected = new double[3];
        double logLikelihood = lattice.addExpectedCounts(scores, -100, 2.0, expected);
        // paths: a·b = 0.06 and ab = 0.1; P(ab path) = 0.1 / 0.16
        assertThat(logLikelihood).isCloseTo(Math.log(0.16), within(1e-12));
        assertThat(expected[2]).isCloseTo(2 * 0.1 / 0.16, within(1e-12));
        assertThat(expected[0]).isCloseTo(2 * 0.06 / 0.16, within(1e-12));
        assertThat(lattice.viterbi(scores, -100)).containsExactly(new Lattice.Edge(0, 2, 2));
    }

    @Test
    void trainingLearnsWordsWithTheirSpace() {
        assertThat(TRAINED.vocabSize()).isBetween(700, 800);
        assertThat(TRAINED.pieces()).contains("▁the", "▁and", "▁", "e");
        assertThat(TRAINED.tokens(" the clock")).startsWith("▁the");
        assertThat(TRAINED.encode(PROSE).length).isLessThan(PROSE.length() / 2);
        String text = "The old clockmaker repaired every clock in town, unbelievably! 😉 ▁ 你好";
        assertThat(TRAINED.decode(TRAINED.encode(text))).isEqualTo(text);
        for (int i = 1; i < TRAINED.pieces().size(); i++) { // best score first
            assertThat(TRAINED.score(256 + i)).isLessThanOrEqualTo(TRAINED.score(256 + i - 1));
        }
    }

    @Test
    void trainingIsDeterministic() {
        var again = UnigramTokenizer.train(PROSE, 800);
        assertThat(again.pieces()).isEqualTo(TRAINED.pieces());
    }

    @Test
    void rareCharactersAreLeftToByteFallback() {
        String text = "aaaa bbbb aaaa bbbb ".repeat(200) + "ζ";
        var unigram = UnigramTrainer.train(text, new UnigramTrainer.Config(300, List.of(), 8, 0.999, 1000, 0.75, 2));
        assertThat(unigram.pieces()).doesNotContain("ζ");
        assertThat(unigram.tokens("ζ")).containsExactly("<0xCE>", "<0xB6>");
    }

    @Test
    void badTrainingInputIsRejected() {
        assertThatThrownBy(() -> UnigramTokenizer.train("", 1000)).hasMessageContaining("training text is empty");
        assertThatThrownBy(() -> UnigramTokenizer.train("abc def", 260))
                .hasMessageContaining("target vocabulary of 260 is smaller than the base alphabet")
                .hasMessageContaining("256 byte pieces + 7 characters").hasMessageContaining("at least 263");
        assertThatThrownBy(() -> new UnigramTrainer.Config(300, List.of(), 16, 1.5, 10, 0.75, 2)).hasMessageContaining("characterCoverage");
        assertThatThrownBy(() -> new UnigramTokenizer(List.of("a▁b"), new double[] {-1}, List.of())).hasMessageContaining("inside it");
        assertThatThrownBy(() -> handMade().score(3)).hasMessageContaining("only pieces have scores");
    }
}
