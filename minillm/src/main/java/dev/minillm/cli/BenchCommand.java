package dev.minillm.cli;

import picocli.CommandLine.Command;

/** {@code bin/minillm bench <what>}: speed figures, printed (tests never time anything). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speed and print the figures.",
        subcommands = {MatmulBench.class, TokenizerBench.class, NnBench.class, AttentionBench.class, GptBench.class,
                DecodingBench.class, KvCacheBench.class})
final class BenchCommand {
}
