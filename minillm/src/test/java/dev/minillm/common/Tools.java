package dev.minillm.common;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool outside the JDK (Jupyter, npm packages, Debian data) call
 * {@link #require}: on a machine without it they are skipped with a message naming what to
 * install; in CI, where {@code MINILLM_REQUIRE_TOOLS=true}, a missing tool fails the build instead.
 */
public final class Tools {

    private Tools() {}

    /** Skips (or in CI fails) the calling test unless {@code present}. */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "needs " + what;
        if ("true".equals(System.getenv("MINILLM_REQUIRE_TOOLS"))) {
            throw new AssertionError(message + ", which CI must install (MINILLM_REQUIRE_TOOLS=true)");
        }
        Assumptions.abort(message);
    }

    /**
     * The repository root (it holds chapters/, notebooks/, data/ and node_modules/): from the
     * build ({@code -Dminillm.root}), else the nearest folder above the working directory with a
     * root pom.xml beside minillm/.
     */
    public static java.nio.file.Path repositoryRoot() {
        String configured = System.getProperty("minillm.root");
        if (configured != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(configured, "minillm"))) {
            return java.nio.file.Path.of(configured);
        }
        for (var dir = java.nio.file.Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isDirectory(dir.resolve("minillm")) && java.nio.file.Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with minillm/ and pom.xml)");
    }

    /** True when {@code command} runs and exits 0 (e.g. {@code jupyter --version}). */
    public static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
