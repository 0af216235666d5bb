package dev.minillm.tokenize;

import dev.minillm.common.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Save and load every tokenizer; broken files fail on load with a message naming the file and the problem. */
class TokenizerFileTest {

    static final String PROSE = Corpus.english().text().substring(0, 8_000);
    static final String SAMPLE = "The clockmaker's 42 gears, 你好 😉\n  end <|end|>";

    @TempDir
    Path dir;

    static List<Tokenizer> everyKind() {
        return List.of(
                new ByteTokenizer(List.of("<|end|>")),
                CharTokenizer.train(PROSE, "<|end|>"),
                WordTokenizer.train(PROSE, 300, "<|end|>"),
                BpeTokenizer.train(PROSE, 400, "<|end|>"),
                WordPieceTokenizer.train(PROSE, 300, "<|end|>"),
                UnigramTokenizer.train(PROSE, 600, "<|end|>"));
    }

    @Test
    void everyTokenizerComesBackFromItsFileUnchanged() throws IOException {
        for (Tokenizer tokenizer : everyKind()) {
            Path file = tokenizer.save(dir.resolve(tokenizer.getClass().getSimpleName() + ".json"));
            Tokenizer loaded = Tokenizer.load(file);
            assertThat(loaded).as("%s", tokenizer).isInstanceOf(tokenizer.getClass());
            assertThat(loaded.vocabSize()).isEqualTo(tokenizer.vocabSize());
            assertThat(loaded.specialTokens()).isEqualTo(tokenizer.specialTokens());
            assertThat(loaded.encode(SAMPLE, Set.of("<|end|>"))).as("%s", tokenizer).isEqualTo(tokenizer.encode(SAMPLE, Set.of("<|end|>")));
            for (int id = 0; id < tokenizer.vocabSize(); id++) {
                assertThat(loaded.token(id)).isEqualTo(tokenizer.token(id));
            }
            assertThat(Files.readString(file)).contains("\"format\" : \"minillm-tokenizer\"", "\"version\" : 1");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary files are left behind").allMatch(f -> f.endsWith(".json"));
        }
    }

    @Test
    void gpt2SavesAndLoadsWithItsOwnIds() {
        BpeTokenizer gpt2 = TestFiles.gpt2Excerpt();
        BpeTokenizer loaded = BpeTokenizer.load(gpt2.save(dir.resolve("gpt2.json")));
        assertThat(loaded.encode("Hello world")).containsExactly(15496, 995);
        assertThat(loaded.specialTokens()).containsEntry(Gpt2.END_OF_TEXT, 50256);
        assertThatThrownBy(() -> loaded.token(49999)).hasMessageContaining("not used");
    }

    @Test
    void savingReplacesAnOldFileAndCreatesFolders() throws IOException {
        Path file = dir.resolve("a/b/bytes.json");
        new ByteTokenizer().save(file);
        new ByteTokenizer(List.of("<|x|>")).save(file);
        assertThat(Tokenizer.load(file).vocabSize()).isEqualTo(257);
    }

    Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void truncatedAndCorruptFilesAreReported() throws IOException {
        String json = Files.readString(BpeTokenizer.train(PROSE, 300).save(dir.resolve("bpe.json")));
        Path truncated = write("truncated.json", json.substring(0, json.length() / 2));
        assertThatThrownBy(() -> Tokenizer.load(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated.json is truncated").hasMessageContaining("save the tokenizer again");
        assertThatThrownBy(() -> Tokenizer.load(write("empty.json", ""))).hasMessageContaining("empty.json is empty");
        Path garbage = write("garbage.json", "{\"format\": minillm}");
        assertThatThrownBy(() -> Tokenizer.load(garbage)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Tokenizer.load(dir.resolve("missing.json"))).hasMessageContaining("tokenizer file not found");
        Path other = write("other.json", "{\"name\": \"not a tokenizer\"}");
        assertThatThrownBy(() -> Tokenizer.load(other)).hasMessageContaining("is not a minillm tokenizer file");
    }

    @Test
    void headerProblemsAreReported() throws IOException {
        String header = "{\"format\": \"minillm-tokenizer\", \"version\": %s, \"type\": \"%s\", \"special\": {}}";
        assertThatThrownBy(() -> Tokenizer.load(write("v2.json", header.formatted(2, "byte")))).hasMessageContaining("format version 2");
        assertThatThrownBy(() -> Tokenizer.load(write("t.json", header.formatted(1, "morse")))).hasMessageContaining("unknown type 'morse'");
        Path bytes = write("b.json", header.formatted(1, "byte"));
        assertThat(Tokenizer.load(bytes)).isInstanceOf(ByteTokenizer.class);
        assertThatThrownBy(() -> BpeTokenizer.load(bytes)).hasMessageContaining("holds a 'byte' tokenizer, not 'bpe'");
    }

    @Test
    void missingOrInconsistentFieldsAreReported() throws IOException {
        String json = Files.readString(BpeTokenizer.train(PROSE, 300).save(dir.resolve("bpe.json")));
        assertThatThrownBy(() -> Tokenizer.load(write("1.json", json.replace("\"merges\"", "\"mergers\""))))
                .hasMessageContaining("is corrupt: field 'merges' is missing or not an array");
        assertThatThrownBy(() -> Tokenizer.load(write("2.json", json.replaceFirst("\"Ġ t\"", "\"Ġ zz\""))))
                .hasMessageContaining("is corrupt: merge 0 'Ġ zz' is not two tokens of the vocabulary");
        assertThatThrownBy(() -> Tokenizer.load(write("3.json", json.replaceFirst("\"Ā\"", "null"))))
                .hasMessageContaining("is corrupt").hasMessageContaining("no token for byte 0x00");
        assertThatThrownBy(() -> Tokenizer.load(write("4.json", json.replace("\"pattern\" : \"gpt2\"", "\"pattern\" : \"gpt4\""))))
                .hasMessageContaining("pattern 'gpt4' is unknown");
        String unigram = Files.readString(UnigramTokenizer.train(PROSE, 600).save(dir.resolve("u.json")));
        assertThatThrownBy(() -> Tokenizer.load(write("5.json", unigram.replaceFirst("\\[ \"([^\"]*)\", -", "[ \"$1\", \"x\", -"))))
                .hasMessageContaining("is not a [text, score] pair");
        String chars = Files.readString(CharTokenizer.train("abc").save(dir.resolve("c.json")));
        assertThatThrownBy(() -> Tokenizer.load(write("6.json", chars.replace("\"b\"", "\"bb\"")))).hasMessageContaining("'bb' is not one character");
        assertThatThrownBy(() -> Tokenizer.load(write("7.json", chars.replace("\"b\"", "\"a\"")))).hasMessageContaining("empty or repeated");
    }
}
