package dev.minillm.tokenize;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecialTokensTest {

    static final Map<String, Integer> KNOWN = SpecialTokens.number(List.of("<|a|>", "<|a|>x", "<|b|>"), 10);

    @Test
    void specialTokensAreNumberedInOrder() {
        assertThat(KNOWN).containsExactly(Map.entry("<|a|>", 10), Map.entry("<|a|>x", 11), Map.entry("<|b|>", 12));
        assertThatThrownBy(() -> SpecialTokens.number(List.of("<|a|>", "<|a|>"), 0)).hasMessageContaining("'<|a|>' is listed twice");
        assertThatThrownBy(() -> SpecialTokens.number(List.of(""), 0)).hasMessageContaining("cannot be empty");
    }

    @Test
    void textIsCutAtAllowedSpecialTokensLongestFirst() {
        assertThat(SpecialTokens.split("1<|a|>x2<|a|><|b|>3", KNOWN.keySet(), KNOWN)).containsExactly(
                new SpecialTokens.Segment("1", -1), new SpecialTokens.Segment("<|a|>x", 11), new SpecialTokens.Segment("2", -1),
                new SpecialTokens.Segment("<|a|>", 10), new SpecialTokens.Segment("<|b|>", 12), new SpecialTokens.Segment("3", -1));
        assertThat(SpecialTokens.split("1<|a|>x<|b|>", Set.of("<|b|>"), KNOWN)).containsExactly(
                new SpecialTokens.Segment("1<|a|>x", -1), new SpecialTokens.Segment("<|b|>", 12));
        assertThat(SpecialTokens.split("", KNOWN.keySet(), KNOWN)).isEmpty();
    }

    @Test
    void allowingAnUnknownSpecialTokenIsAnError() {
        assertThatThrownBy(() -> SpecialTokens.split("x", Set.of("<|c|>"), KNOWN))
                .hasMessageContaining("unknown special token '<|c|>'").hasMessageContaining("<|a|>, <|a|>x, <|b|>");
    }
}
