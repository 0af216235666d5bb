package dev.minillm.course;

import dev.minillm.common.Tools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every Marp deck in slides/ builds to self-contained HTML, and to PDF with Chromium. */
class SlidesIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void decksBuildToHtml() throws Exception {
        Path root = CourseFiles.root();
        Tools.require(Files.isExecutable(root.resolve("node_modules/.bin/marp")), "Marp CLI (npm ci in the repository root)");
        var run = Course.run(root, "bin/minillm", "slides");
        assertThat(run.exitCode()).as(run.output()).isZero();
        for (String deck : decks(root)) {
            Path html = root.resolve("slides/dist").resolve(deck.replace(".md", ".html"));
            assertThat(html).as(run.output()).isNotEmptyFile();
            assertThat(Files.readString(html)).contains("<section");
        }
    }

    @Test
    void decksBuildToPdfWithChromium() throws Exception {
        Path root = CourseFiles.root();
        Tools.require(Files.isExecutable(root.resolve("node_modules/.bin/marp")), "Marp CLI (npm ci in the repository root)");
        Tools.require(Files.isExecutable(CHROMIUM), "Chromium for PDF slides (sudo apt-get install chromium)");
        var run = Course.run(root, "bin/minillm", "slides", "--pdf");
        assertThat(run.exitCode()).as(run.output()).isZero();
        for (String deck : decks(root)) {
            Path pdf = root.resolve("slides/dist").resolve(deck.replace(".md", ".pdf"));
            assertThat(pdf).as(run.output()).isNotEmptyFile();
            assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes());
        }
    }

    private static List<String> decks(Path root) throws Exception {
        try (var files = Files.list(root.resolve("slides"))) {
            List<String> decks = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
            assertThat(decks).isNotEmpty();
            return decks;
        }
    }
}
