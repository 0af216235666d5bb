package dev.minillm.transformer;

import dev.minillm.nn.Trainer;
import dev.minillm.nn.TrainingHistory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CharacterGPTTest {

    /** 1 layer, 2 heads, C = 16, 16 characters of context: seconds on a CPU. */
    static final GPTConfig SMALL = new GPTConfig(1, 16, 1, 2, 16, 0f, true, GPTConfig.Norm.LAYER_NORM,
            GPTConfig.FeedForward.GELU);

    @Test
    void aSmallCharacterGptLearnsAndTheSameSeedsGiveTheSameLosses() {
        var training = Trainer.Config.quick().withMaxSteps(60).withBatchSize(8).withEvaluation(30, 2).withSeed(3);
        var run = CharacterGPT.train(SMALL, training, 1);
        var losses = run.result().history().entries().stream().mapToDouble(TrainingHistory.Entry::trainLoss)
                .filter(Double::isFinite).toArray();
        assertThat(losses).hasSize(60);
        double first = (losses[0] + losses[1] + losses[2]) / 3, last = (losses[57] + losses[58] + losses[59]) / 3;
        assertThat(first).as("starts near ln V").isCloseTo(Math.log(run.tokenizer().vocabSize()),
                org.assertj.core.api.Assertions.within(0.3));
        assertThat(last).as("the loss falls").isLessThan(first - 0.5);
        assertThat(run.model().config().vocabSize()).isEqualTo(run.tokenizer().vocabSize());
        assertThat(run.sample("The ", 20, 0.8f, 1)).hasSize(20);

        var again = CharacterGPT.train(SMALL, training, 1).result().history().entries().stream()
                .mapToDouble(TrainingHistory.Entry::trainLoss).filter(Double::isFinite).toArray();
        assertThat(again).containsExactly(losses);
    }
}
