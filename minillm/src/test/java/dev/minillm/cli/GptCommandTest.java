package dev.minillm.cli;

import dev.minillm.nn.Checkpoint;
import dev.minillm.tokenize.Tokenizer;
import dev.minillm.transformer.GPT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptCommandTest {

    private static Path corpus(Path dir) throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, String.join("\n\n\n", Collections.nCopies(40,
                "The cat sat on the mat. The dog sat on the log. A bird sang in the tree.")));
        return text;
    }

    @Test
    void trainsSavesAReloadableCheckpointAndWrites(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        var run = MainTest.run("gpt", "--corpus", corpus(dir).toString(), "--preset", "tiny", "--vocab", "300",
                "--steps", "30", "--eval-every", "10", "--samples", "2", "--length", "12", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("validation loss by step", "perplexity", "--- sample 1", "--- sample 2",
                "tokens/s", "Loss curve saved");
        assertThat(out.resolve("loss.png")).isNotEmptyFile();

        var tokenizer = Tokenizer.load(out.resolve("tokenizer.json"));
        assertThat(tokenizer.vocabSize()).isBetween(257, 300); // the tiny text may run out of pairs to merge
        var model = new GPT(GptCommand.Preset.tiny.config(tokenizer.vocabSize()), 7);
        assertThat(Checkpoint.loadWeights(out, Checkpoint.LAST, model)).isEqualTo(30);

        var other = new GPT(GptCommand.Preset.baby.config(tokenizer.vocabSize()), 7);
        assertThatThrownBy(() -> Checkpoint.loadWeights(out, Checkpoint.LAST, other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embeddingDim");
    }

    @Test
    void trainsOnCharacters(@TempDir Path dir) throws Exception {
        var run = MainTest.run("gpt", "--corpus", corpus(dir).toString(), "--char", "--preset", "tiny",
                "--steps", "5", "--eval-every", "5", "--samples", "1", "--length", "5", "--out", dir.resolve("c").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("(characters)", "--- sample 1");
    }

    @Test
    void badInputIsNamed(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThat(MainTest.run("gpt", "--corpus", empty.toString()).err()).contains("empty");
        assertThat(MainTest.run("gpt", "--corpus", corpus(dir).toString(), "--preset", "huge").err())
                .contains("huge", "tiny, baby, small");
    }
}
