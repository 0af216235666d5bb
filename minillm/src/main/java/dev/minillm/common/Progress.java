package dev.minillm.common;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars with an ETA for anything that takes more than a few seconds.
 *
 * <p>Set the system property {@code minillm.quiet=true} (tests do) to hide them.
 */
public final class Progress {

    private Progress() {}

    /** Starts a bar for {@code total} steps; close it (try-with-resources) when the work is done. */
    public static ProgressBar start(String task, long total) {
        var builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .showSpeed(); // the bar also shows elapsed time and the ETA
        if (quiet()) {
            builder.setConsumer(new SilentConsumer());
        }
        return builder.build();
    }

    static boolean quiet() {
        return Boolean.getBoolean("minillm.quiet");
    }

    /** Swallows the bar's output when progress is turned off. */
    private static final class SilentConsumer implements me.tongfei.progressbar.ProgressBarConsumer {
        @Override public int getMaxRenderedLength() { return 80; }
        @Override public void accept(String rendered) {}
        @Override public void close() {}
    }
}
