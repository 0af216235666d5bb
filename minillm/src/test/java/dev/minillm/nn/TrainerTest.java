package dev.minillm.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minillm.common.Corpus;
import dev.minillm.common.Plots;
import dev.minillm.tokenize.CharTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training loop: learning, determinism, checkpoints, resume, and every way it refuses or stops. */
class TrainerTest {

    static TokenDataset english;
    static final int[] DIGITS = IntStream.range(0, 2000).map(i -> i % 10).toArray();
    static final TokenDataset COUNTING = TokenDataset.split(DIGITS, 10, 0.2);

    @TempDir
    Path folder;

    @BeforeAll
    static void data() {
        var corpus = Corpus.english();
        english = TokenDataset.encode(corpus, CharTokenizer.train(corpus.text()), 0.1);
    }

    static Trainer.Config quick(int steps) {
        return Trainer.Config.quick().withMaxSteps(steps).withEvaluation(20, 2);
    }

    static MlpLanguageModel mlp() {
        return new MlpLanguageModel(MlpLanguageModel.Config.tiny(english.vocabSize()), 42);
    }

    @Test
    void trainingLowersTheValidationLossAndRepeatsExactly() {
        var first = new Trainer(mlp(), english, quick(60)).fit();
        var second = new Trainer(mlp(), english, quick(60)).fit();
        assertThat(first.stop()).isEqualTo(Trainer.Stop.MAX_STEPS);
        assertThat(first.steps()).isEqualTo(60);
        List<TrainingHistory.Entry> history = first.history().entries();
        double initial = history.getFirst().validationLoss(), last = history.getLast().validationLoss();
        assertThat(last).isLessThan(initial - 0.5);
        assertThat(first.bestValidationLoss()).isEqualTo(last);
        assertThat(first.bestStep()).isEqualTo(60);
        assertThat(first.tokensPerSecond()).isPositive();
        assertThat(first.message()).contains("trained 60 steps");
        for (int i = 0; i < history.size(); i++) {
            var a = history.get(i);
            var b = second.history().entries().get(i);
            assertThat(List.of(a.step(), a.trainLoss(), a.validationLoss(), a.gradNorm()))
                    .isEqualTo(List.of(b.step(), b.trainLoss(), b.validationLoss(), b.gradNorm()));
        }
    }

    @Test
    void theHistoryIsATableAndAChart() {
        var result = new Trainer(mlp(), english, quick(40)).fit();
        var table = result.history().table();
        assertThat(table.columnNames()).containsExactly("step", "train loss", "validation loss", "learning rate",
                "grad norm", "seconds");
        assertThat(table.rowCount()).isEqualTo(41); // steps 0..39 and the final evaluation at 40
        assertThat(table.doubleColumn("validation loss").countMissing()).isEqualTo(41 - 3); // evaluated at 0, 20, 40
        assertThat(table.doubleColumn("learning rate").get(0)).isCloseTo(3e-3 / 20, org.assertj.core.data.Offset.offset(1e-9));
        var chart = result.history().chart();
        assertThat(chart.getSeriesMap().keySet()).containsExactly("train", "validation");
        assertThat(Plots.image(chart).getWidth()).isEqualTo(720);
    }

    @Test
    void checkpointsHoldTheBestAndTheLastWeights() throws IOException {
        var model = mlp();
        var result = new Trainer(model, english, quick(40)).checkpoints(folder).fit();
        for (String name : List.of(Checkpoint.LAST, Checkpoint.BEST)) {
            assertThat(Checkpoint.exists(folder, name)).as(name).isTrue();
        }
        var json = new ObjectMapper().readTree(Checkpoint.stateFile(folder, Checkpoint.LAST).toFile());
        assertThat(json.get("model").asText()).isEqualTo(MlpLanguageModel.class.getName());
        assertThat(json.get("step").asInt()).isEqualTo(40);
        assertThat(json.get("modelConfig").get("context").asInt()).isEqualTo(3);
        assertThat(json.get("trainerConfig").get("maxSteps").asInt()).isEqualTo(40);
        assertThat(Files.list(folder).map(p -> p.getFileName().toString()))
                .as("no temporary files are left behind").allMatch(f -> f.endsWith(".json") || f.endsWith(".safetensors"));

        var fresh = mlp();
        assertThat(Checkpoint.loadWeights(folder, Checkpoint.BEST, fresh)).isEqualTo(result.bestStep());
        fresh.stateDict().forEach((name, t) ->
                assertThat(t.toArray()).as(name).containsExactly(model.stateDict().get(name).toArray()));
    }

    @Test
    void resumeContinuesWhereTheRunStopped() {
        new Trainer(mlp(), english, quick(40)).checkpoints(folder).fit();
        var trainer = new Trainer(mlp(), english, quick(80)).resume(folder);
        assertThat(trainer.step()).isEqualTo(40);
        assertThat(trainer.history().entries()).hasSize(41);
        var result = trainer.fit();
        assertThat(result.steps()).isEqualTo(80);
        assertThat(result.history().entries()).hasSize(81);
        var straight = new Trainer(mlp(), english, quick(80)).fit();
        assertThat(result.history().entries().getLast().validationLoss())
                .as("close to an uninterrupted run (only AdamW's moments restart)")
                .isCloseTo(straight.history().entries().getLast().validationLoss(), org.assertj.core.data.Offset.offset(0.15));
        assertThat(new Trainer(mlp(), english, quick(80)).resume(folder).fit().steps()).as("nothing left to do").isEqualTo(80);
    }

    @Test
    void resumingACheckpointOfAnotherConfigurationNamesEveryDifference() {
        new Trainer(mlp(), english, quick(20)).checkpoints(folder).fit();
        var wider = new MlpLanguageModel(new MlpLanguageModel.Config(english.vocabSize(), 3, 8, 64, true, 0f), 1);
        assertThatThrownBy(() -> new Trainer(wider, english, quick(20)).resume(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another configuration of MlpLanguageModel")
                .hasMessageContaining("hiddenDim: checkpoint 32, now 64")
                .hasMessageContaining("directConnections: checkpoint false, now true");
        assertThatThrownBy(() -> new Trainer(mlp(), english, quick(20).withLearningRate(1e-3f)).resume(folder))
                .hasMessageContaining("other settings")
                .hasMessageContaining("learningRate: checkpoint 0.003, now 0.001");
        var other = new Quadratic(Quadratic.Config.of(english.vocabSize()));
        assertThatThrownBy(() -> new Trainer(other, english, quick(20)).resume(folder))
                .hasMessageContaining("holds a " + MlpLanguageModel.class.getName());
        assertThatThrownBy(() -> new Trainer(mlp(), english, quick(20)).resume(folder.resolve("nothing")))
                .hasMessageContaining("no checkpoint 'last'");
    }

    @Test
    void pausingAndResumingGivesTheWeightsOfARunThatNeverStopped() {
        var straight = mlp();
        new Trainer(straight, english, quick(80)).fit();

        var paused = new Trainer(mlp(), english, quick(80)).checkpoints(folder);
        var half = paused.fit(40);
        assertThat(half.stop()).isEqualTo(Trainer.Stop.PAUSED);
        assertThat(half.message()).contains("paused at step 40 of 80");
        assertThat(Checkpoint.optimizerFile(folder, Checkpoint.LAST)).as("AdamW's moments are saved").isRegularFile();

        var resumed = mlp();  // a fresh process: new model, new trainer, the checkpoint's weights and moments
        var result = new Trainer(resumed, english, quick(80)).resume(folder).fit();
        assertThat(result.stop()).isEqualTo(Trainer.Stop.MAX_STEPS);
        straight.stateDict().forEach((name, t) -> assertThat(resumed.stateDict().get(name).toArray())
                .as(name + " bit for bit").containsExactly(t.toArray()));
    }

    @Test
    void anOptimizerStateOfAnotherStepOrKindIsRefused() throws IOException {
        new Trainer(mlp(), english, quick(20)).checkpoints(folder).fit();
        Path optimizer = Checkpoint.optimizerFile(folder, Checkpoint.LAST);
        var contents = dev.minillm.tensor.SafeTensors.read(optimizer);
        dev.minillm.tensor.SafeTensors.write(optimizer, contents.tensors(), java.util.Map.of("step", "10", "optimizer", "AdamW"));
        assertThatThrownBy(() -> new Trainer(mlp(), english, quick(40)).resume(folder))
                .hasMessageContaining("incomplete").hasMessageContaining("optimizer state is from step 10");
        dev.minillm.tensor.SafeTensors.write(optimizer, contents.tensors(), java.util.Map.of("step", "20", "optimizer", "AdamW"));
        assertThatThrownBy(() -> new Trainer(mlp(), english, quick(40).withOptimizer(Trainer.OptimizerKind.SGD)).resume(folder))
                .isInstanceOf(IllegalArgumentException.class);  // another optimizer is another training setting
    }

    @Test
    void aHalfWrittenCheckpointIsDetected() throws IOException {
        new Trainer(mlp(), english, quick(20)).checkpoints(folder).fit();
        Path state = Checkpoint.stateFile(folder, Checkpoint.LAST);
        Files.writeString(state, Files.readString(state).replace("\"step\" : 20", "\"step\" : 40"));
        assertThatThrownBy(() -> new Trainer(mlp(), english, quick(60)).resume(folder))
                .hasMessageContaining("incomplete").hasMessageContaining("weights are from step 20");
    }

    @Test
    void aVocabularyMismatchBetweenModelAndDataIsRejected() {
        var small = new MlpLanguageModel(MlpLanguageModel.Config.tiny(10), 1);
        assertThatThrownBy(() -> new Trainer(small, english, quick(10)))
                .hasMessageContaining("vocabulary mismatch")
                .hasMessageContaining("uses " + english.vocabSize() + " token ids")
                .hasMessageContaining("vocabulary of 10");
        var larger = new MlpLanguageModel(MlpLanguageModel.Config.tiny(12), 1);
        assertThat(new Trainer(larger, COUNTING, quick(1)).fit().steps()).as("a larger vocabulary is fine").isEqualTo(1);
    }

    @Test
    void blockSizesOutsideWhatTheModelTakesAreRejected() {
        var wide = new MlpLanguageModel(MlpLanguageModel.Config.small(english.vocabSize()), 1); // context 8
        assertThatThrownBy(() -> new Trainer(wide, english, quick(10).withBlockSize(4)))
                .hasMessageContaining("block size 4 is shorter than the 8 tokens");
        var limited = new Quadratic(new Quadratic.Config(10, 1f, 1f, Integer.MAX_VALUE, 16));
        assertThatThrownBy(() -> new Trainer(limited, COUNTING, quick(10).withBlockSize(32)))
                .hasMessageContaining("block size 32 is longer than the configured context")
                .hasMessageContaining("16 tokens");
        assertThatThrownBy(() -> new Trainer(mlp(), TokenDataset.split(DIGITS, 10, 0.01),
                quick(10).withBlockSize(64)))
                .hasMessageContaining("validation part");
    }

    @Test
    void aNanLossStopsTrainingAndKeepsTheLastGoodCheckpoint() {
        var model = new Quadratic(new Quadratic.Config(10, 1f, 1f, 25, Integer.MAX_VALUE));
        var result = new Trainer(model, COUNTING, quick(100).withEvaluation(10, 1).withRestoreBest(false))
                .checkpoints(folder).fit();
        assertThat(result.stop()).isEqualTo(Trainer.Stop.DIVERGED);
        assertThat(result.steps()).isEqualTo(25);
        assertThat(result.message()).contains("training diverged at step 25", "NaN", "step 20", "Lower the learning rate");
        assertThat(model.w.item()).as("the weights were not updated with the NaN").isFinite();
        assertThatThrownBy(result::orThrow).isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged");
        var reloaded = new Quadratic(model.config);
        assertThat(Checkpoint.loadWeights(folder, Checkpoint.LAST, reloaded)).isEqualTo(20);
        assertThat(reloaded.w.item()).isFinite().isNotZero();
    }

    @Test
    void earlyStoppingWaitsForPatienceAndRestoresTheBestWeights() {
        // training pulls w from 0 towards 1, but the validation loss is w²: the best is the start
        var model = new Quadratic(new Quadratic.Config(10, 1f, 0f, Integer.MAX_VALUE, Integer.MAX_VALUE));
        var result = new Trainer(model, COUNTING, quick(200).withEvaluation(10, 1).withPatience(3)
                .withLearningRate(0.05f)).fit();
        assertThat(result.stop()).isEqualTo(Trainer.Stop.EARLY_STOPPING);
        assertThat(result.steps()).isEqualTo(30);
        assertThat(result.bestStep()).isZero();
        assertThat(result.message()).contains("early stopping at step 30", "3 evaluations");
        assertThat(model.w.item()).as("restored").isZero();
    }

    @Test
    void evaluationRunsInEvalModeWithoutAGraph() {
        var model = new Quadratic(Quadratic.Config.of(10));
        var trainer = new Trainer(model, COUNTING, quick(5));
        assertThat(trainer.evaluate()).isEqualTo(1.0);
        assertThat(model.sawEvalModeWithGradients).isFalse();
        assertThat(model.isTraining()).isTrue();
    }

    @Test
    void contiguousStreamsAndSgdAreAvailable() {
        var result = new Trainer(mlp(), english, quick(20).withBatchOrder(Trainer.BatchOrder.CONTIGUOUS_STREAMS)
                .withOptimizer(Trainer.OptimizerKind.SGD).withLearningRate(0.1f)).fit();
        assertThat(result.stop()).isEqualTo(Trainer.Stop.MAX_STEPS);
        assertThat(result.history().lastValidationLoss().getAsDouble())
                .isLessThan(result.history().entries().getFirst().validationLoss());
    }

    @Test
    void configurationChecksItsNumbers() {
        assertThatThrownBy(() -> Trainer.Config.quick().withBatchSize(0)).hasMessageContaining("batchSize=0");
        assertThatThrownBy(() -> Trainer.Config.quick().withLearningRate(1e-3f, 1e-2f)).hasMessageContaining("minLearningRate");
        assertThatThrownBy(() -> Trainer.Config.quick().withGradClip(-1f)).hasMessageContaining("gradClip=-1");
    }
}
