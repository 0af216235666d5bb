package dev.minillm.course;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One JShell with the library on its class path and the Vector API module, the way learners get
 * it from {@code ./minillm jshell}: code runs snippet by snippet, state carries over, and
 * {@link #run} returns what the code printed or fails with the compiler's or the exception's words.
 */
final class JShellSession implements AutoCloseable {

    /** The JVM options every launcher of the project uses. */
    static final List<String> VM_OPTIONS = List.of("--add-modules", "jdk.incubator.vector",
            "--sun-misc-unsafe-memory-access=allow", "-Djava.awt.headless=true", "-Dminillm.quiet=true",
            "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final JShell shell;

    JShellSession() {
        String classPath = String.join(java.io.File.pathSeparator, classPath());
        List<String> vmOptions = new ArrayList<>(VM_OPTIONS);
        vmOptions.addAll(List.of("--class-path", classPath));
        shell = JShell.builder()
                .out(new PrintStream(out, true, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .compilerOptions("--add-modules", "jdk.incubator.vector", "--class-path", classPath)
                .remoteVMOptions(vmOptions.toArray(String[]::new))
                .build();
    }

    /** Starts a session and runs the course's JShell startup script in it. */
    static JShellSession withStartup() throws Exception {
        var session = new JShellSession();
        session.run(Files.readString(startupScript()));
        return session;
    }

    static Path startupScript() {
        return CourseFiles.root().resolve("minillm/src/main/jshell/startup.jsh");
    }

    /**
     * Runs a piece of Java source (any number of statements, declarations and expressions) and
     * returns its standard output.
     *
     * @throws AssertionError naming the snippet when it does not compile or throws
     */
    String run(String source) {
        out.reset();
        err.reset();
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                throw new AssertionError("incomplete Java code (a missing ';' or '}'?):\n" + remaining.strip());
            }
            evaluate(info.source());
            remaining = info.remaining();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void evaluate(String snippet) {
        for (SnippetEvent event : shell.eval(snippet)) {
            if (event.exception() != null) {
                throw new AssertionError("this code threw " + describe(event.exception()) + ":\n" + snippet.strip()
                        + stderr(), event.exception());
            }
            if (event.status() == Snippet.Status.REJECTED) {
                List<String> problems = new ArrayList<>();
                shell.diagnostics(event.snippet()).filter(Diag::isError)
                        .forEach(d -> problems.add(d.getMessage(Locale.ENGLISH)));
                throw new AssertionError("this code does not compile: " + String.join("; ", problems) + "\n" + snippet.strip());
            }
        }
    }

    private static String describe(Throwable exception) {
        if (exception instanceof jdk.jshell.EvalException e) {
            return e.getExceptionClassName() + ": " + e.getMessage();
        }
        return exception.toString();
    }

    private String stderr() {
        String text = err.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "" : "\nstderr:\n" + text;
    }

    /** The test's own class path: the library's classes and every dependency jar. */
    static List<String> classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(path.split(java.io.File.pathSeparator)).stream()
                .filter(entry -> !entry.isBlank() && !entry.contains("surefire")).toList();
    }

    @Override
    public void close() {
        shell.close();
    }
}
