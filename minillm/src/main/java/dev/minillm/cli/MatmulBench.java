package dev.minillm.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** Chapter 3's benchmark: GFLOP/s of each matrix multiplication kernel. */
@Command(name = "matmul", mixinStandardHelpOptions = true, description = "GFLOP/s of each matmul kernel per size.")
final class MatmulBench implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("matmul benchmark: not written yet (chapter 3)");
        return 0;
    }
}
