package dev.minillm.ngram;

import dev.minillm.common.Corpus;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LevelTest {

    @Test
    void wordsKeepContractionsAndSplitPunctuationAndChineseCharacters() {
        assertThat(Level.WORD.split("Don't stop, Mia!")).containsExactly("Don't", "stop", ",", "Mia", "!");
        assertThat(Level.WORD.split("我爱学习。")).containsExactly("我", "爱", "学", "习", "。");
        assertThat(Level.WORD.split("in 2024")).containsExactly("in", "2024");
    }

    @Test
    void charactersAreCodePointsSoEmojiStayWhole() {
        assertThat(Level.CHAR.split("a😀b")).containsExactly("a", "😀", "b");
    }

    @Test
    void wordsJoinLikeProse() {
        assertThat(Level.WORD.join(List.of("Hello", ",", "world", "!"))).isEqualTo("Hello, world!");
        assertThat(Level.WORD.join(List.of("我", "爱", "茶", "。"))).isEqualTo("我爱茶。");
    }

    @Test
    void sequencesAreParagraphs() {
        var corpus = Corpus.of("two", "First line\nsame paragraph.\n\nSecond one.");
        assertThat(Level.WORD.sequences(corpus)).containsExactly(
                List.of("First", "line", "same", "paragraph", "."), List.of("Second", "one", "."));
    }

    @Property
    void charactersJoinBackToTheSameText(@ForAll String text) {
        assertThat(Level.CHAR.join(Level.CHAR.split(text))).isEqualTo(text);
    }
}
