package dev.minillm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var stdout = System.out;
        var captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            var commandLine = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
            commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
                cl.getErr().println("minillm: " + e.getMessage());
                return 2;
            });
            int code = commandLine.execute(args);
            return new Run(code, captured.toString(java.nio.charset.StandardCharsets.UTF_8) + out, err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    @Test
    void ngramJobPrintsATableAndASamplePerOrder(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, String.join("\n\n\n", java.util.Collections.nCopies(12, "the cat sat on the mat.")));
        var result = run("ngram", "--corpus", text.toString(), "--max-order", "3", "--plot", dir.resolve("p.png").toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("Validation perplexity by order", "Kneser-Ney", "n=1", "n=2", "n=3");
        assertThat(dir.resolve("p.png")).isNotEmptyFile();
    }

    @Test
    void aMissingCorpusIsReportedWithoutAStackTrace() {
        var result = run("ngram", "--corpus", "no/such/file.txt");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no corpus called 'no/such/file.txt'").doesNotContain("at dev.minillm");
    }
}
