package dev.minillm.position;

import dev.minillm.common.Tools;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed golden file must be what {@code position_golden.py} computes today.
 *
 * <p>To regenerate: {@code python3 minillm/src/test/python/position_golden.py}.
 */
class PositionGoldenFilesTest {

    private static final String SCRIPT = "src/test/python/position_golden.py";

    @Test
    void committedGoldenFileIsWhatPyTorchComputes() throws IOException, InterruptedException {
        String python = pythonWithTorch();
        Tools.require(python != null, "PyTorch: sudo apt-get install python3-torch");
        Path module = Tools.repositoryRoot().resolve("minillm");
        Path output = module.resolve("target/golden-regenerated/position");
        Files.createDirectories(output);
        Process process = new ProcessBuilder(python, module.resolve(SCRIPT).toString(), output.toString())
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("position_golden.py finished").isTrue();
        assertThat(process.exitValue()).as("position_golden.py exit code; its output:\n" + log).isZero();

        String file = "positions.safetensors";
        Map<String, Tensor> committed = SafeTensors.read(module.resolve("src/test/resources/golden/position").resolve(file)).tensors();
        Map<String, Tensor> fresh = SafeTensors.read(output.resolve(file)).tensors();
        String regenerate = " (regenerate with python3 minillm/" + SCRIPT + ")";
        assertThat(fresh.keySet()).as(file + ": the tensors the script writes now" + regenerate)
                .containsExactlyElementsOf(committed.keySet());
        committed.forEach((name, tensor) -> PositionGoldenTest.assertClose(file + " " + name + regenerate,
                fresh.get(name), tensor, 1e-6f, 1e-6f));
    }

    /** A Python 3 that can import torch: the one on PATH, else Debian's (pyenv and venvs hide it). */
    static String pythonWithTorch() {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            if (Tools.runs(python, "-c", "import torch")) {
                return python;
            }
        }
        return null;
    }
}
