package dev.minillm.course;

import dev.minillm.common.Tools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every notebook, executed top to bottom by real Jupyter in the course's Java kernel
 * ({@code bin/minillm notebooks --check}). Runs after {@code package}, when minillm-all.jar exists.
 */
class JupyterNotebookIT {

    @Test
    void notebooksRunInARealJupyterKernel() throws Exception {
        Tools.require(Tools.runs("jupyter", "nbconvert", "--version"),
                "Jupyter (sudo apt-get install jupyter-nbconvert python3-ipykernel jupyter-client)");
        Tools.require(kernelInstalled(), "the course's Jupyter kernel (bin/minillm kernel)");
        Path root = CourseFiles.root();
        var run = Course.run(root, "bin/minillm", "notebooks", "--check");
        assertThat(run.exitCode()).as(run.output()).isZero();
        try (var notebooks = Files.list(root.resolve("notebooks"))) {
            long count = notebooks.filter(f -> f.toString().endsWith(".ipynb")).count();
            assertThat(run.output().lines().filter(l -> l.startsWith("ok ")).count()).as(run.output()).isEqualTo(count);
        }
    }

    private static boolean kernelInstalled() throws Exception {
        if (!Tools.runs("jupyter", "kernelspec", "list")) {
            return false;
        }
        var process = new ProcessBuilder("jupyter", "kernelspec", "list").redirectErrorStream(true).start();
        String kernels = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return kernels.contains("minillm-java");
    }
}
