package dev.minillm.transformer;

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
 * The committed golden file must be what {@code transformer_golden.py} computes today: this runs
 * the script with PyTorch into target/ and compares, so a change to the script without
 * regenerating the file (or the other way round) fails.
 *
 * <p>To regenerate: {@code python3 minillm/src/test/python/transformer_golden.py}.
 */
class TransformerGoldenFilesTest {

    private static final String SCRIPT = "src/test/python/transformer_golden.py";

    @Test
    void committedGoldenFileIsWhatPyTorchComputes() throws IOException, InterruptedException {
        String python = pythonWithTorch();
        Tools.require(python != null, "PyTorch: sudo apt-get install python3-torch");
        Path module = Tools.repositoryRoot().resolve("minillm");
        assertThat(module.resolve(SCRIPT)).as("the golden script").isRegularFile();
        Path output = module.resolve("target/golden-regenerated/transformer");
        Files.createDirectories(output);
        Process process = new ProcessBuilder(python, module.resolve(SCRIPT).toString(), output.toString())
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("transformer_golden.py finished").isTrue();
        assertThat(process.exitValue()).as("transformer_golden.py exit code; its output:\n" + log).isZero();

        String file = "gpt.safetensors";
        Map<String, Tensor> committed = SafeTensors.read(module.resolve("src/test/resources/golden/transformer").resolve(file)).tensors();
        Map<String, Tensor> fresh = SafeTensors.read(output.resolve(file)).tensors();
        String regenerate = " (regenerate with python3 minillm/" + SCRIPT + ")";
        assertThat(fresh.keySet()).as(file + ": the tensors the script writes now" + regenerate)
                .containsExactlyElementsOf(committed.keySet());
        committed.forEach((name, tensor) -> TransformerGoldenTest.assertClose(file + " " + name + regenerate,
                fresh.get(name), tensor, 1e-6, 1e-6));
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
