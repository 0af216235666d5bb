package dev.minillm.course;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the course's files are: the repository root holds chapters/, notebooks/ and data/. */
final class CourseFiles {

    private CourseFiles() {}

    /** The root from the build ({@code -Dminillm.root}), else the nearest folder above with a chapters/ folder. */
    static Path root() {
        String configured = System.getProperty("minillm.root");
        if (configured != null && Files.isDirectory(Path.of(configured, "chapters"))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("chapters")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with chapters/ and pom.xml)");
    }
}
