package dev.minillm.course;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Java in every chapter's reading text, so the text cannot drift from the code.
 *
 * <p>In chapters/NN-slug/README.md, every {@code ```java} block runs in order in one JShell per
 * chapter (blocks share state, like notebook cells). An {@code ```output} block right after a
 * Java block is what that block must print. {@code ```java no-run} shows code without running it.
 */
class ChapterDocTest {

    @TestFactory
    Stream<DynamicTest> everyChapterRunsAsWritten() throws IOException {
        try (Stream<Path> chapters = Files.list(CourseFiles.root().resolve("chapters"))) {
            return chapters.filter(dir -> Files.isRegularFile(dir.resolve("README.md")))
                    .filter(dir -> Course.selected(dir.getFileName().toString())).sorted()
                    .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                            () -> runChapter(dir.resolve("README.md"))))
                    .toList().stream();
        }
    }

    private static void runChapter(Path readme) throws Exception {
        List<CodeBlock> blocks = CodeBlock.parse(Files.readString(readme));
        try (var session = JShellSession.withStartup()) {
            for (CodeBlock block : blocks) {
                if (!block.runs()) {
                    continue;
                }
                String printed;
                try {
                    printed = session.run(block.code());
                } catch (AssertionError e) {
                    throw new AssertionError(readme + " line " + block.line() + ": " + e.getMessage(), e.getCause());
                }
                if (block.expectedOutput() != null) {
                    assertThat(normalise(printed))
                            .as("%s line %d: the ```output block after this code", readme, block.line())
                            .isEqualTo(normalise(block.expectedOutput()));
                }
            }
        }
    }

    /** Trailing spaces and the final newline do not count. */
    static String normalise(String text) {
        return text.replace("\r\n", "\n").lines().map(String::stripTrailing)
                .reduce((a, b) -> a + "\n" + b).orElse("").strip();
    }

    /** A fenced block of the text: its code, whether it runs, what it must print, and where it is. */
    record CodeBlock(String code, boolean runs, String expectedOutput, int line) {

        static List<CodeBlock> parse(String markdown) {
            List<CodeBlock> blocks = new ArrayList<>();
            String[] lines = markdown.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String info = lines[i].strip();
                if (!info.startsWith("```java")) {
                    continue;
                }
                int start = i + 1;
                StringBuilder code = new StringBuilder();
                for (i = start; i < lines.length && !lines[i].strip().equals("```"); i++) {
                    code.append(lines[i]).append('\n');
                }
                String output = null;
                int next = i + 1;
                while (next < lines.length && lines[next].isBlank()) {
                    next++;
                }
                if (next < lines.length && lines[next].strip().equals("```output")) {
                    StringBuilder text = new StringBuilder();
                    for (i = next + 1; i < lines.length && !lines[i].strip().equals("```"); i++) {
                        text.append(lines[i]).append('\n');
                    }
                    output = text.toString();
                }
                blocks.add(new CodeBlock(code.toString(), !info.contains("no-run"), output, start));
            }
            return blocks;
        }
    }
}
