package dev.minillm.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Chapter 2's benchmark: BPE training time and encoding throughput. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "BPE training time and encoding MB/s.")
final class TokenizerBench implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("tokenizer benchmark: not written yet (chapter 2)");
        return 0;
    }
}
