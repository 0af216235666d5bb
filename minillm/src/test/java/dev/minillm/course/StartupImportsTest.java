package dev.minillm.course;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * startup.jsh imports every chapter's package with a wildcard, as do the notebooks. Two public
 * classes with the same simple name in two of those packages would make the name ambiguous in
 * JShell, so a chapter's text would stop compiling: this test names the clash instead.
 */
class StartupImportsTest {

    @Test
    void wildcardImportsShareNoSimpleClassName() throws Exception {
        List<String> packages = Files.readAllLines(CourseFiles.root().resolve("minillm/src/main/jshell/startup.jsh")).stream()
                .filter(line -> line.startsWith("import ") && line.endsWith(".*;"))
                .map(line -> line.substring("import ".length(), line.length() - ".*;".length()))
                .toList();
        var classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.minillm");
        List<String> clashes = new ArrayList<>();
        for (var type : classes) {
            if (!type.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC)
                    || type.isNestedClass() || !packages.contains(type.getPackageName())) {
                continue;
            }
            for (String other : packages) {
                if (!other.equals(type.getPackageName()) && exists(other + "." + type.getSimpleName())) {
                    clashes.add(type.getName() + " and " + other + "." + type.getSimpleName());
                }
            }
        }
        assertThat(clashes).as("rename one of each pair: startup.jsh imports both packages").isEmpty();
    }

    private static boolean exists(String className) {
        try {
            Class<?> type = Class.forName(className, false, StartupImportsTest.class.getClassLoader());
            return java.lang.reflect.Modifier.isPublic(type.getModifiers());
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
