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
