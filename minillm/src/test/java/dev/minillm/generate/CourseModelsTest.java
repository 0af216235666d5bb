package dev.minillm.generate;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The course models are trained once and then read from the cache (here whatever cache this machine has). */
class CourseModelsTest {

    @Test
    void theCourseModelsShareATokenizerAndLoadTheSameWeightsTwice() {
        var target = CourseModels.target();
        var draft = CourseModels.draft();
        assertThat(target.tokenizer().vocabSize()).isEqualTo(CourseModels.VOCAB_SIZE).isEqualTo(target.gpt().vocabSize());
        assertThat(draft.tokenizer().encode("The old man")).containsExactly(target.tokenizer().encode("The old man"));
        assertThat(target.validationLoss()).as("learned far beyond uniform ln 1024 = 6.93").isLessThan(4.5);
        assertThat(draft.gpt().parameterCount()).isLessThan(target.gpt().parameterCount() / 4);
        var again = CourseModels.target();
        again.gpt().stateDict().forEach((name, t) -> assertThat(t.toArray()).as(name)
                .containsExactly(target.gpt().stateDict().get(name).toArray()));
        assertThat(Files.isDirectory(CourseModels.cacheFolder().resolve("models"))).isTrue();
    }

    @Test
    void aModelIsTrainedOnceCachedAndTrainedAgainWhenItsFilesAreDamaged(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache)
            throws java.io.IOException {
        var recipe = new CourseModels.Recipe("test-tiny", dev.minillm.transformer.GPTConfig.tiny()
                .withVocabSize(CourseModels.VOCAB_SIZE), CourseModels.training(20, 3e-3f).withBatchSize(4).withBlockSize(16));
        var first = CourseModels.load(recipe, cache);
        var folders = Files.list(cache.resolve("models")).toList();
        assertThat(folders).hasSize(1);
        assertThat(folders.getFirst().getFileName().toString()).startsWith("test-tiny-");
        var second = CourseModels.load(recipe, cache);
        var weights = java.nio.file.Files.readAllBytes(folders.getFirst().resolve("model.safetensors"));
        Files.write(folders.getFirst().resolve("model.safetensors"), java.util.Arrays.copyOf(weights, 100));
        var third = CourseModels.load(recipe, cache);
        for (var model : java.util.List.of(second, third)) {
            model.gpt().stateDict().forEach((name, t) -> assertThat(t.toArray()).as(name)
                    .containsExactly(first.gpt().stateDict().get(name).toArray()));
        }
        assertThat(Files.size(folders.getFirst().resolve("model.safetensors"))).as("rewritten").isEqualTo(weights.length);
    }
}
