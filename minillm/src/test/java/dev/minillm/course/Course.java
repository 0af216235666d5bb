package dev.minillm.course;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the course's own commands (bin/minillm ...) from tests, as a learner would. */
final class Course {

    record Run(int exitCode, String output) {}

    private Course() {}

    /**
     * Whether a chapter file or folder ("04-neural-lm", "04-neural-lm.ipynb") is selected by
     * {@code -Dminillm.only=04,05}; without the property every chapter is.
     */
    static boolean selected(String name) {
        String only = System.getProperty("minillm.only", "").strip();
        if (only.isEmpty()) {
            return true;
        }
        for (String prefix : only.split(",")) {
            if (name.startsWith(prefix.strip())) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code root} with output captured; the jar is not rebuilt from inside the build. */
    static Run run(Path root, String... command) throws Exception {
        var builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("MINILLM_NO_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command) + "\n" + output);
        }
        return new Run(process.exitValue(), output);
    }
}
