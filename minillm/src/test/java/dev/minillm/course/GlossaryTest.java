package dev.minillm.course;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every concept a chapter introduces in bold with its Chinese term, "**perplexity (困惑度)**", has a
 * row in chapters/GLOSSARY.md (English | 中文 | meaning), found by its English or its Chinese name.
 */
class GlossaryTest {

    private static final Pattern INTRODUCED = Pattern.compile("\\*\\*([^*()]+?)\\s+\\(([^()*]*\\p{IsHan}[^()*]*)\\)\\*\\*");

    @Test
    void everyIntroducedTermIsInTheGlossary() throws IOException {
        Path chapters = CourseFiles.root().resolve("chapters");
        Set<String> english = new HashSet<>();
        List<String> chinese = new ArrayList<>();
        for (String line : Files.readAllLines(chapters.resolve("GLOSSARY.md"))) {
            String[] cells = line.split("\\|");
            if (line.startsWith("| ") && cells.length >= 3 && !cells[1].isBlank() && !line.startsWith("| English")
                    && !line.startsWith("| ---")) {
                english.add(normalise(cells[1].replaceAll("\\s*\\(.*\\)\\s*$", "")));
                chinese.add(cells[2].strip());
            }
        }
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(chapters)) {
            for (Path readme : dirs.map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted().toList()) {
                var matcher = INTRODUCED.matcher(Files.readString(readme));
                while (matcher.find()) {
                    String term = normalise(matcher.group(1));
                    String han = matcher.group(2).split(",")[0].strip();
                    boolean known = english.contains(term) || english.contains(term.replaceAll("s$", ""))
                            || chinese.stream().anyMatch(c -> c.contains(han));
                    if (!known) {
                        missing.add(readme.getParent().getFileName() + ": " + matcher.group(1).strip() + " (" + han + ")");
                    }
                }
            }
        }
        assertThat(missing).as("add a row | English | 中文 | one-line meaning | to chapters/GLOSSARY.md for each").isEmpty();
    }

    private static String normalise(String text) {
        return String.join(" ", text.strip().split("\\s+")).toLowerCase(Locale.ROOT);
    }
}
