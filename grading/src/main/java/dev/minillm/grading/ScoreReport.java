package dev.minillm.grading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Listens to a JUnit run, collects every test annotated with {@link Points}, and at the end prints
 * a score table per chapter and writes it to {@code target/grading/score.md} and {@code score.json}.
 *
 * <p>Registered through {@code META-INF/services}, so any module with this jar on its test class
 * path is graded; runs without graded tests print nothing.
 */
public final class ScoreReport implements TestExecutionListener {

    /** Chapters are named after the package of their tests, e.g. {@code dev.minillm.exercises.ch01}. */
    private static final Pattern CHAPTER = Pattern.compile("\\.(ch\\d+)(\\.|$)");

    private final List<Score.Test> tests = new ArrayList<>();

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!(test.getSource().orElse(null) instanceof MethodSource source)) {
            return;
        }
        Points points = pointsOf(source);
        if (points == null) {
            return;
        }
        boolean passed = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
        String failure = passed ? null : result.getThrowable().map(ScoreReport::firstLine).orElse("aborted");
        tests.add(new Score.Test(chapterOf(source.getClassName()), source.getClassName()
                .replaceAll(".*\\.", "") + "." + source.getMethodName(), points.value(), passed, failure));
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        if (tests.isEmpty()) {
            return;
        }
        Score score = score(tests);
        System.out.println();
        System.out.println("Score");
        System.out.println(score.markdown());
        write(score, Path.of("target", "grading"));
    }

    /** Adds up the tests per chapter. */
    static Score score(List<Score.Test> tests) {
        Map<String, int[]> perChapter = new TreeMap<>();
        for (Score.Test t : tests) {
            int[] sums = perChapter.computeIfAbsent(t.chapter(), c -> new int[2]);
            sums[0] += t.passed() ? t.points() : 0;
            sums[1] += t.points();
        }
        List<Score.Chapter> chapters = perChapter.entrySet().stream()
                .map(e -> new Score.Chapter(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
        List<Score.Test> sorted = tests.stream()
                .sorted(java.util.Comparator.comparing(Score.Test::chapter).thenComparing(Score.Test::name)).toList();
        return new Score(chapters, sorted);
    }

    /** Writes score.md and score.json atomically into the folder. */
    static void write(Score score, Path folder) {
        try {
            Files.createDirectories(folder);
            var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            writeAtomically(folder.resolve("score.md"), score.markdown());
            writeAtomically(folder.resolve("score.json"), json.writeValueAsString(Map.of(
                    "earned", score.earned(), "possible", score.possible(),
                    "chapters", score.chapters(), "tests", score.tests())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the score report to " + folder, e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Points pointsOf(MethodSource source) {
        try {
            return source.getJavaMethod().getAnnotation(Points.class);
        } catch (RuntimeException e) { // the class could not be loaded: not ours to grade
            return null;
        }
    }

    private static String chapterOf(String className) {
        Matcher m = CHAPTER.matcher(className);
        return m.find() ? m.group(1) : "other";
    }

    private static String firstLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return message.strip().lines().findFirst().orElse("").replace("|", "\\|");
    }
}
