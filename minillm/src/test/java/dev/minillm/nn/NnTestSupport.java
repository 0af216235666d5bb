package dev.minillm.nn;

import dev.minillm.common.Tools;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Helpers shared by the chapter 4 and 5 tests: golden files, PyTorch, comparing tensors. */
public final class NnTestSupport {

    private NnTestSupport() {}

    /** |actual - expected| ≤ atol + rtol·|expected| for every element, shapes equal. */
    public static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
        float[] a = actual.toArray(), e = expected.toArray();
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == e[i]) {
                continue;
            }
            double ratio = Math.abs(a[i] - e[i]) / (atol + rtol * Math.abs(e[i]));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format(Locale.ROOT, "%s: element %d of shape %s is %.9g, expected %.9g "
                    + "(|diff| %.3g > %.1g + %.1g·|expected|)", what, worst, Arrays.toString(expected.shape()),
                    a[worst], e[worst], Math.abs(a[worst] - e[worst]), atol, rtol));
        }
    }

    /** A committed golden file, e.g. {@code golden("nn/mlp_lm.safetensors")}. */
    public static Map<String, Tensor> golden(String file) {
        try {
            var url = NnTestSupport.class.getResource("/golden/" + file);
            assertThat(url).as("golden file " + file + " (generate it with the script in src/test/python)").isNotNull();
            return SafeTensors.read(Path.of(url.toURI())).tensors();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tensors under {@code prefix}, with the prefix removed: {@code initial.} → a state dict. */
    public static Map<String, Tensor> withPrefix(Map<String, Tensor> tensors, String prefix) {
        Map<String, Tensor> picked = new LinkedHashMap<>();
        tensors.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                picked.put(key.substring(prefix.length()), value);
            }
        });
        return picked;
    }

    /** A float tensor of whole numbers as ints. */
    public static int[] ints(Tensor t) {
        float[] values = t.toArray();
        int[] ints = new int[values.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Math.round(values[i]);
        }
        return ints;
    }

    /** A (B, T) float tensor of whole numbers as rows of ints. */
    public static int[][] rows(Tensor t) {
        int[] flat = ints(t);
        int rows = t.shape(0), columns = t.shape(1);
        int[][] result = new int[rows][];
        for (int r = 0; r < rows; r++) {
            result[r] = Arrays.copyOfRange(flat, r * columns, (r + 1) * columns);
        }
        return result;
    }

    /** A fresh leaf copy that needs a gradient. */
    public static Tensor leaf(Tensor t) {
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
    }

    /**
     * Runs a golden script of src/test/python with PyTorch into target/, and checks that it writes
     * exactly the committed files (within 1e-6): the committed files must be what the script makes.
     */
    public static void checkGoldenFilesAreCurrent(String script, String folder, List<String> files)
            throws IOException, InterruptedException {
        String python = pythonWithTorch();
        Tools.require(python != null, "PyTorch: sudo apt-get install python3-torch");
        Path module = moduleDir();
        Path output = module.resolve("target/golden-regenerated/" + folder);
        Files.createDirectories(output);
        var builder = new ProcessBuilder(python, module.resolve("src/test/python/" + script).toString(), output.toString())
                .redirectErrorStream(true);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        String log = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(script + " finished").isTrue();
        assertThat(process.exitValue()).as(script + " exit code; its output:\n" + log).isZero();
        for (String file : files) {
            Map<String, Tensor> committed = SafeTensors.read(module.resolve("src/test/resources/golden/" + folder)
                    .resolve(file)).tensors();
            Map<String, Tensor> fresh = SafeTensors.read(output.resolve(file)).tensors();
            String regenerate = " (regenerate: /usr/bin/python3 minillm/src/test/python/" + script + ")";
            assertThat(fresh.keySet()).as(file + ": the tensors " + script + " writes now" + regenerate)
                    .containsExactlyElementsOf(committed.keySet());
            committed.forEach((name, tensor) -> assertClose(file + " " + name + regenerate, fresh.get(name), tensor,
                    1e-6, 1e-6));
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

    /** The minillm module folder: the working directory under Maven, else found from the repository root. */
    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(here.resolve("src/test/python/nn_golden.py"))) {
            return here;
        }
        String root = System.getProperty("minillm.root");
        Path module = root != null ? Path.of(root, "minillm") : here.resolve("minillm");
        assertThat(module.resolve("src/test/python/nn_golden.py")).as("the golden script").isRegularFile();
        return module;
    }
}
