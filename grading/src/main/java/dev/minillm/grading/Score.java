package dev.minillm.grading;

import java.util.List;

/**
 * A graded run: points earned and possible, per chapter and per test.
 *
 * @param chapters one line per chapter, in chapter order
 * @param tests every graded test that ran
 */
public record Score(List<Chapter> chapters, List<Test> tests) {

    /** Points of one chapter, e.g. "ch01". */
    public record Chapter(String chapter, int earned, int possible) {}

    /** One graded test: where it is, its points, and why it failed (null when it passed). */
    public record Test(String chapter, String name, int points, boolean passed, String failure) {}

    public int earned() {
        return chapters.stream().mapToInt(Chapter::earned).sum();
    }

    public int possible() {
        return chapters.stream().mapToInt(Chapter::possible).sum();
    }

    /** The score as a Markdown table, a total line and the failed tests with their first hint. */
    public String markdown() {
        var out = new StringBuilder("| chapter | points | of | % |\n|---|---:|---:|---:|\n");
        for (Chapter c : chapters) {
            out.append(String.format("| %s | %d | %d | %.0f%% |%n", c.chapter(), c.earned(), c.possible(), percent(c.earned(), c.possible())));
        }
        out.append(String.format("| **total** | **%d** | **%d** | **%.0f%%** |%n", earned(), possible(), percent(earned(), possible())));
        var failed = tests.stream().filter(t -> !t.passed()).toList();
        if (!failed.isEmpty()) {
            out.append("\nNot yet passing:\n");
            failed.forEach(t -> out.append(String.format("- %s %s (%d point%s): %s%n",
                    t.chapter(), t.name(), t.points(), t.points() == 1 ? "" : "s", t.failure())));
        }
        return out.toString();
    }

    private static double percent(int earned, int possible) {
        return possible == 0 ? 100 : 100.0 * earned / possible;
    }
}
