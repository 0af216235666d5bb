package dev.minillm.course;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A fast in-JVM run of every notebook: code cells in order through the JShell API, so a broken
 * notebook fails the ordinary {@code ./mvnw verify}. (CI also runs them in a real Jupyter kernel.)
 *
 * <p>Notebooks may use one magic, the kernel-neutral {@code %jars ../minillm/target/minillm-all.jar}
 * in the first cell; here the library is already on the class path, so it only checks the path.
 */
class NotebookTest {

    static final String JAR_MAGIC = "%jars ../minillm/target/minillm-all.jar";

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsTopToBottom() throws IOException {
        try (Stream<Path> files = Files.list(CourseFiles.root().resolve("notebooks"))) {
            return files.filter(f -> f.toString().endsWith(".ipynb"))
                    .filter(f -> Course.selected(f.getFileName().toString())).sorted()
                    .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runNotebook(f)))
                    .toList().stream();
        }
    }

    static void runNotebook(Path notebook) throws Exception {
        List<String> cells = codeCells(notebook);
        assertThat(cells).as("%s: code cells", notebook).isNotEmpty();
        assertThat(cells.getFirst().strip())
                .as("%s: the first cell adds the library, the same way under every Java kernel", notebook)
                .isEqualTo(JAR_MAGIC);
        try (var session = new JShellSession()) {
            for (int i = 1; i < cells.size(); i++) {
                String cell = cells.get(i);
                assertThat(cell.lines().filter(l -> l.startsWith("%")).toList())
                        .as("%s cell %d: magics other than the first cell's %%jars differ between kernels", notebook, i + 1)
                        .isEmpty();
                try {
                    session.run(cell);
                } catch (AssertionError e) {
                    throw new AssertionError(notebook.getFileName() + " cell " + (i + 1) + ": " + e.getMessage(), e.getCause());
                }
            }
        }
    }

    static List<String> codeCells(Path notebook) throws IOException {
        JsonNode root = new ObjectMapper().readTree(notebook.toFile());
        List<String> cells = new ArrayList<>();
        for (JsonNode cell : root.path("cells")) {
            if (cell.path("cell_type").asText().equals("code")) {
                JsonNode source = cell.path("source");
                StringBuilder text = new StringBuilder();
                if (source.isArray()) {
                    source.forEach(line -> text.append(line.asText()));
                } else {
                    text.append(source.asText());
                }
                cells.add(text.toString());
            }
        }
        return cells;
    }
}
