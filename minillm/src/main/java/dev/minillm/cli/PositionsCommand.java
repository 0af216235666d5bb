package dev.minillm.cli;

import dev.minillm.common.Plots;
import dev.minillm.position.PositionExperiment;
import dev.minillm.position.Positions;
import dev.minillm.transformer.PositionScheme;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Chapter 8's job: train one small GPT per position scheme at context 64 and evaluate it at 64 to 512. */
@Command(name = "positions", mixinStandardHelpOptions = true,
        description = "Length extrapolation: train the same character GPT with each position scheme "
                + "(none, sinusoidal, learned, rope, alibi) at context 64, evaluate at 64, 128, 256 and 512.")
final class PositionsCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "The notebook's size (2 layers, C = 64, 400 steps; about a minute).")
    boolean quick;

    @Option(names = "--steps", description = "Training steps per scheme (default: 1000, or 400 with --quick).")
    Integer steps;

    @Option(names = "--schemes", split = ",", defaultValue = "none,sinusoidal,learned,rope,alibi",
            description = "Comma-separated schemes (default: ${DEFAULT-VALUE}).")
    List<String> schemes;

    @Option(names = "--out", defaultValue = "target/runs/positions",
            description = "Folder for the plot extrapolation.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        List<PositionScheme> chosen = schemes.stream().map(Positions::parse).toList();
        PositionExperiment experiment = quick ? PositionExperiment.quick() : PositionExperiment.full();
        if (steps != null) {
            experiment = experiment.withSteps(steps);
        }
        var result = experiment.run(chosen);
        System.out.println();
        System.out.println("Validation loss (nats/char), trained at " + result.trainLength() + " characters:");
        System.out.println(result.format());
        Path png = Plots.savePng(result.chart(), out.resolve("extrapolation.png"));
        System.out.println("Plot: " + png);
        return 0;
    }
}
