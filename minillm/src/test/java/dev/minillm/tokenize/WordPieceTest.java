package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordPieceTest {

    /** A hand-made vocabulary, to pin the greedy longest-match-first rule. */
    static WordPieceTokenizer handMade(String... extra) {
        var pieces = new java.util.ArrayList<>(List.of("[UNK]", "un", "##believ", "##able", "##a", "##b", "##l", "##e", "!", "a", "b"));
        pieces.addAll(List.of(extra));
        return new WordPieceTokenizer(new TokenTable(pieces, List.of("[CLS]")));
    }

    @Test
    void wordsAreCutIntoTheLongestPiecesFromTheLeft() {
        var wp = handMade();
        assertThat(wp.tokens("unbelievable!")).containsExactly("un", "##believ", "##able", "!");
        assertThat(wp.tokens("unbelievablex ab")).containsExactly("[UNK]", "a", "##b");
        assertThat(wp.decode(wp.encode("unbelievable!  ab"))).isEqualTo("unbelievable ! ab");
        assertThat(wp.encode("a".repeat(WordPieceTokenizer.MAX_WORD_LENGTH + 1))).containsExactly(0);
        assertThat(wp.specialTokens()).containsEntry("[CLS]", 11);
        assertThat(wp.lossless()).isFalse();
    }

    @Test
    void greedyMatchingNeverLooksBack() {
        var wp = handMade("unbe");
        // "unbe" is longer than "un", but what is left, "##lievable", cannot be spelt: the whole word is unknown
        assertThat(wp.tokens("unbelievable!")).containsExactly("[UNK]", "!");
        assertThat(wp.tokens("unbeabe")).containsExactly("unbe", "##a", "##b", "##e");
    }

    @Test
    void punctuationAndHanCharactersAreWordsOfTheirOwn() {
        assertThat(WordPieceTokenizer.words("Hello, world!  你好。x2")).containsExactly("Hello", ",", "world", "!", "你", "好", "。", "x2");
    }

    /** The score is count(ab) times how much likelier ab is than chance: "q ##u" beats the more frequent "a ##e". */
    @Test
    void trainingMergesThePairThatMostRaisesTheLikelihood() {
        String text = "ae ae ae ae be be be be ce ce ce ce qu qu qu";
        var wp = WordPieceTokenizer.train(text, 1 + 6 + 1); // [UNK] + alphabet a b c q ##e ##u: room for one merge
        assertThat(wp.vocabSize()).isEqualTo(8);
        assertThat(wp.token(7)).isEqualTo("qu");
        assertThat(wp.tokens("qu ae")).containsExactly("qu", "a", "##e");
        assertThat(BpeTrainer.train(text, 257, List.of()).trace().getFirst().text()).isEqualTo(" b"); // BPE: frequency alone
    }

    @Test
    void trainingOnProseLearnsWholeWords() {
        var wp = WordPieceTokenizer.train(Corpus.english().text().substring(0, 20_000), 800);
        assertThat(wp.vocabSize()).isEqualTo(800);
        assertThat(wp.tokens("the old town")).containsExactly("the", "old", "town");
        assertThat(wp.encode(Corpus.english().text().substring(0, 20_000)).length).isLessThan(20_000 / 3);
        String text = "The old clockmaker repaired every clock in town, unbelievably. 😉";
        assertThat(wp.decode(wp.encode(text))).isEqualTo("The old clockmaker repaired every clock in town , unbelievably . [UNK]");
    }

    @Test
    void badTrainingInputIsRejected() {
        assertThatThrownBy(() -> WordPieceTokenizer.train("", 100)).hasMessageContaining("training text is empty");
        assertThatThrownBy(() -> WordPieceTokenizer.train("   \n ", 100)).hasMessageContaining("only whitespace");
        assertThatThrownBy(() -> WordPieceTokenizer.train("abc abd", 4))
                .hasMessageContaining("target vocabulary of 4 is smaller than the base alphabet")
                .hasMessageContaining("[UNK] + 4 characters").hasMessageContaining("at least 5");
    }
}
