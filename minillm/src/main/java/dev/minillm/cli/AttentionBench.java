package dev.minillm.cli;

import dev.minillm.attention.AttentionCost;
import dev.minillm.attention.AttentionCost.Timing;
import dev.minillm.common.Plots;
import dev.minillm.common.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Chapter 6's benchmark: what causal attention costs as the sequence grows, counted (FLOPs and
 * memory) and measured (the composed tensor ops against the fused kernel).
 */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = "Attention cost and time against sequence length: composed ops vs the fused kernel.")
final class AttentionBench implements Callable<Integer> {

    @Option(names = "--lengths", split = ",", defaultValue = "64,128,256,512,1024",
            description = "Sequence lengths T (default: ${DEFAULT-VALUE}).")
    int[] lengths;

    @Option(names = "--heads", defaultValue = "8", description = "Heads nh (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--head-size", defaultValue = "64", description = "Head size hs (default: ${DEFAULT-VALUE}).")
    int headSize;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size B (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "0.5",
            description = "Seconds of timed runs per kernel, pass and length; the best run counts (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Rounds over all lengths, keeping each one's best, against bursts of other work and a cold JIT "
                    + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--plot", description = "Save the chart of time against T to this PNG file.")
    Path plot;

    @Option(names = "--cost-plot", description = "Save the chart of FLOPs against T to this PNG file.")
    Path costPlot;

    @Override
    public Integer call() {
        int dim = heads * headSize;
        System.out.println(AttentionCost.costTable(dim, heads, lengths).printAll());
        System.out.println();

        Timing[] best = new Timing[lengths.length];
        try (var progress = Progress.start("attention", (long) rounds * lengths.length)) {
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < lengths.length; i++) {
                    progress.setExtraMessage("T=" + lengths[i]);
                    best[i] = faster(best[i], AttentionCost.time(batch, heads, headSize, lengths[i], seconds));
                    progress.step();
                }
            }
        }
        List<Timing> timings = List.of(best);
        System.out.println();
        System.out.println(AttentionCost.timingTable(timings).printAll());
        if (timings.size() >= 2) {
            Timing a = timings.get(timings.size() - 2), b = timings.getLast();
            System.out.printf("%nFrom T=%d to T=%d (×%.1f): composed forward ×%.1f, fused forward ×%.1f "
                            + "(×%.1f would be exactly quadratic)%n", a.length(), b.length(), (double) b.length() / a.length(),
                    b.composedForward() / a.composedForward(), b.fusedForward() / a.fusedForward(),
                    Math.pow((double) b.length() / a.length(), 2));
        }
        if (plot != null) {
            System.out.println("Plot saved to " + Plots.savePng(AttentionCost.timingChart(timings), plot));
        }
        if (costPlot != null) {
            System.out.println("Plot saved to " + Plots.savePng(AttentionCost.costChart(dim, heads, lengths), costPlot));
        }
        return 0;
    }

    /** The best time of each kernel and pass over two rounds. */
    private static Timing faster(Timing a, Timing b) {
        return a == null ? b : new Timing(b.length(), b.batch(), b.heads(), b.headSize(),
                Math.min(a.composedForward(), b.composedForward()), Math.min(a.fusedForward(), b.fusedForward()),
                Math.min(a.composedTraining(), b.composedTraining()), Math.min(a.fusedTraining(), b.fusedTraining()));
    }
}
