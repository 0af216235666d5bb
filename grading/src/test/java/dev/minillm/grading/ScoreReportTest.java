package dev.minillm.grading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScoreReportTest {

    static final List<Score.Test> TESTS = List.of(
            new Score.Test("ch02", "BpeTest.merges", 3, false, "TODO: count pairs"),
            new Score.Test("ch01", "NgramsTest.counts", 2, true, null),
            new Score.Test("ch01", "NgramsTest.perplexity", 4, false, "expected 2.0 | got 1.0"));

    @Test
    void pointsAddUpPerChapterInChapterOrder() {
        Score score = ScoreReport.score(TESTS);
        assertThat(score.chapters()).containsExactly(new Score.Chapter("ch01", 2, 6), new Score.Chapter("ch02", 0, 3));
        assertThat(score.earned()).isEqualTo(2);
        assertThat(score.possible()).isEqualTo(9);
    }

    @Test
    void markdownShowsTheTableTheTotalAndWhatFails() {
        String markdown = ScoreReport.score(TESTS).markdown();
        assertThat(markdown).contains("| ch01 | 2 | 6 | 33% |", "| **total** | **2** | **9** | **22%** |",
                "- ch01 NgramsTest.perplexity (4 points): expected 2.0 | got 1.0");
    }

    @Test
    void reportIsWrittenAsMarkdownAndJson(@TempDir Path dir) throws Exception {
        ScoreReport.write(ScoreReport.score(TESTS), dir);
        assertThat(Files.readString(dir.resolve("score.md"))).startsWith("| chapter |");
        String json = Files.readString(dir.resolve("score.json"));
        assertThat(json).contains("\"earned\" : 2", "\"possible\" : 9", "\"chapter\" : \"ch02\"");
    }
}
