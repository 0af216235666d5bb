package dev.minillm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The committed PyTorch reference scripts that the benchmarks run beside the Java side. */
final class PythonScripts {

    private PythonScripts() {}

    /** A script of the repository, looked for from the working directory and from the jar's location up. */
    static Path find(String relative) {
        List<Path> starts = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
        try {
            starts.add(Path.of(PythonScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: the working directory will do
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path script = dir.resolve(relative);
                if (Files.isRegularFile(script)) {
                    return script;
                }
            }
        }
        return null;
    }

    /**
     * Runs {@code script args} with the first Python that has PyTorch ({@code python}, else python3, else
     * Debian's /usr/bin/python3) and returns its standard output lines; empty if none could run it.
     */
    static Optional<List<String>> runWithTorch(String python, Path script, List<String> args) {
        for (String candidate : python != null ? List.of(python) : List.of("python3", "/usr/bin/python3")) {
            try {
                List<String> command = new ArrayList<>(List.of(candidate, script.toString()));
                command.addAll(args);
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                List<String> lines = new ArrayList<>();
                try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        lines.add(line);
                    }
                }
                if (process.waitFor() == 0) {
                    return Optional.of(lines);
                }
            } catch (IOException e) {
                // this Python is not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
