package dev.minillm.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minillm.common.Corpus;
import dev.minillm.common.Tools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our GPT-2 encoder against the gpt-3-encoder npm package's own JavaScript encoder, id by id, on a
 * mixed corpus (prose, Chinese, emoji, code, runs of spaces and newlines, digits, contractions, odd
 * whitespace), the bundled corpora, Moby Dick, and thousands of random strings.
 */
class Gpt2CompatibilityTest {

    /** The JavaScript encoder concatenates arrays quadratically: it needs texts cut to paragraphs. */
    static List<String> paragraphs(String text) {
        return Arrays.stream(text.split("(?<=\\n\\n)")).toList();
    }

    static void sameIdsAsJavaScript(List<String> texts) throws Exception {
        Tools.require(Files.isReadable(TestFiles.nodeModules().resolve("gpt-3-encoder/Encoder.js")),
                "the npm package gpt-3-encoder: npm ci");
        BpeTokenizer gpt2 = TestFiles.fullGpt2();
        String output = TestFiles.node("gpt2-encode.js", TestFiles.nodeModules().toString(),
                TestFiles.tempFile(TestFiles.jsonStrings(texts)).toString());
        int[][] expected = new ObjectMapper().readValue(output, int[][].class);
        assertThat(expected.length).isEqualTo(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(gpt2.encode(texts.get(i))).as("ids of %s", texts.get(i)).isEqualTo(expected[i]);
        }
        // And in one batch, in parallel.
        List<int[]> batch = gpt2.encodeBatch(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i)).isEqualTo(expected[i]);
        }
    }

    @Test
    void theMixedCorpus() throws Exception {
        String mixed = TestFiles.read(TestFiles.resource("mixed.txt"));
        List<String> texts = new ArrayList<>(paragraphs(mixed));
        texts.add(mixed);
        texts.addAll(mixed.lines().toList());
        sameIdsAsJavaScript(texts);
    }

    @Test
    void theBundledCorporaAndMobyDick() throws Exception {
        List<String> texts = new ArrayList<>();
        texts.addAll(paragraphs(Corpus.english().text()));
        texts.addAll(paragraphs(Corpus.chinese().text()));
        Corpus.mobyDick(TestFiles.nodeModules()).ifPresent(moby -> texts.addAll(paragraphs(moby.text())));
        sameIdsAsJavaScript(texts);
    }

    /** Random strings from an alphabet of troublemakers, lone surrogates included. */
    @Test
    void randomStrings() throws Exception {
        String[] alphabet = {" ", " ", "  ", "\n", "\r\n", "\t", "\u000B", "\u00A0", "\u0085", "\u2003", "\u3000", "\uFEFF", "\u2028",
                "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "a", "the", "The", "ü", "é", "e\u0301", "ß", "你", "好",
                "。", "1", "42", "٣", "½", ".", ",", "!", "?", "\"", "#", "$", "(", ")", "-", "_", "😉", "👍🏽", "👨\u200D👩",
                "🇫🇷", "\uD83D", "\uDC00", "\u0000", "\uFFFF", "\u2581", ",\"", "\",", "],", "),\""};
        var random = new SplittableRandom(2024);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 3000; n++) {
            var text = new StringBuilder();
            for (int k = random.nextInt(1, 16); k > 0; k--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            texts.add(text.toString());
        }
        sameIdsAsJavaScript(texts);
    }
}
