package dev.minillm;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The course is read in chapter order, so the code is layered the same way: a chapter's package
 * may use earlier chapters' packages, never later ones, and packages never depend on each other
 * in a cycle. {@code common} (chapter 0) is below every chapter; {@code cli} is above them all.
 */
class ArchitectureTest {

    /** Packages under dev.minillm in chapter order; add each new chapter's package here. */
    static final List<String> CHAPTER_ORDER = List.of(
            "common", "ngram", "tokenize", "tensor", "nn", "rnn", "attention", "transformer", "position",
            "generate", "infer", "quant", "finetune", "rag", "agent", "eval", "serve", "cli");

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.minillm");

    @Test
    void everyPackageIsAChapterInTheList() {
        var packages = CLASSES.stream().map(c -> c.getPackageName().replaceFirst("^dev\\.minillm\\.?", ""))
                .map(p -> p.contains(".") ? p.substring(0, p.indexOf('.')) : p).distinct().toList();
        assertThat(CHAPTER_ORDER).as("packages under dev.minillm must be listed in chapter order").containsAll(packages);
    }

    @Test
    void chaptersDependOnlyOnEarlierChapters() {
        for (int i = 0; i < CHAPTER_ORDER.size(); i++) {
            List<String> later = new ArrayList<>();
            for (String p : CHAPTER_ORDER.subList(i + 1, CHAPTER_ORDER.size())) {
                later.add("dev.minillm." + p + "..");
            }
            if (later.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage("dev.minillm." + CHAPTER_ORDER.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(later.toArray(String[]::new))
                    .because("chapter packages may only use earlier chapters")
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    @Test
    void noCycles() {
        slices().matching("dev.minillm.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
