package dev.minillm.course;

import dev.minillm.common.Tools;

import java.nio.file.Path;

/** Where the course's files are: the repository root holds chapters/, notebooks/ and data/. */
final class CourseFiles {

    private CourseFiles() {}

    static Path root() {
        return Tools.repositoryRoot();
    }
}
