package dev.minillm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./minillm}: one subcommand per job. */
@Command(name = "minillm", mixinStandardHelpOptions = true, version = "minillm 0.1.0",
        description = "Build a small large language model from scratch.",
        subcommands = {GptCommand.class, NgramCommand.class, NnCommand.class, RnnCommand.class, PositionsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler((error, commandLine, parsed) -> {
                    // Bad input is the user's to fix: show the message, not a stack trace.
                    commandLine.getErr().println("minillm: " + error.getMessage());
                    return 2;
                })
                .execute(args));
    }
}
