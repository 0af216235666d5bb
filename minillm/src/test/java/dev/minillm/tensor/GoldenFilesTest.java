package dev.minillm.tensor;

import dev.minillm.common.Tools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.minillm.tensor.TensorAssert.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed golden files must be what {@code golden.py} computes today: this runs the script
 * with PyTorch into target/ and compares, so a change to the script without regenerating the files
 * (or the other way round) fails. Values may differ by float rounding between machines (1e-6).
 *
 * <p>To regenerate: {@code python3 minillm/src/test/python/golden.py}.
 */
class GoldenFilesTest {

    static final List<String> FILES = List.of("ops.safetensors", "mlp.safetensors", "optimizers.safetensors");

    @Test
    void committedGoldenFilesAreWhatPyTorchComputes() throws IOException, InterruptedException {
        String python = pythonWithTorch();
        Tools.require(python != null, "PyTorch: sudo apt-get install python3-torch");
        Path module = moduleDir();
        Path output = module.resolve("target/golden-regenerated");
        Files.createDirectories(output);
        Process process = new ProcessBuilder(python, module.resolve("src/test/python/golden.py").toString(), output.toString())
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("golden.py finished").isTrue();
        assertThat(process.exitValue()).as("golden.py exit code; its output:\n" + log).isZero();

        for (String file : FILES) {
            Map<String, Tensor> committed = SafeTensors.read(module.resolve("src/test/resources/golden").resolve(file)).tensors();
            Map<String, Tensor> fresh = SafeTensors.read(output.resolve(file)).tensors();
            assertThat(fresh.keySet()).as(file + ": the tensors golden.py writes now (regenerate the committed files: "
                    + "python3 minillm/src/test/python/golden.py)").containsExactlyElementsOf(committed.keySet());
            committed.forEach((name, tensor) -> assertClose(file + " " + name
                    + " (regenerate with python3 minillm/src/test/python/golden.py)", fresh.get(name), tensor, 1e-6, 1e-6));
        }
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

    /** The minillm module folder, where the golden script lives. */
    static Path moduleDir() {
        Path module = dev.minillm.common.Tools.repositoryRoot().resolve("minillm");
        assertThat(module.resolve("src/test/python/golden.py")).as("the golden script").isRegularFile();
        return module;
    }
}
