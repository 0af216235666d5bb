package dev.minillm.course;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** `./minillm jshell` loads minillm/src/main/jshell/startup.jsh; the same script must work here. */
class JShellStartupTest {

    @Test
    void startupScriptGivesTheLibraryAndItsHelpers() throws Exception {
        try (var session = JShellSession.withStartup()) {
            String printed = session.run("""
                    var model = NgramModel.train(Corpus.of("tiny", "abab abab"), Level.CHAR, 2, new Smoothing.Mle());
                    print(model.probability(List.of("a"), "b"));
                    print(Simd.describe());
                    """);
            assertThat(printed.lines().toList()).first().isEqualTo("1.0");
            assertThat(printed).contains("Vector API on");
        }
    }

    @Test
    void compileErrorsNameTheProblem() throws Exception {
        try (var session = new JShellSession()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.run("int x = \"text\";"))
                    .hasMessageContaining("does not compile").hasMessageContaining("incompatible types");
        }
    }
}
