package dev.minillm.rnn;

import dev.minillm.common.Corpus;
import dev.minillm.common.Tools;
import dev.minillm.nn.Batch;
import dev.minillm.nn.TokenDataset;
import dev.minillm.nn.Trainer;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import dev.minillm.tokenize.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recurrent language model: training with the trainer, carried state, sampling, bad input. */
class RnnLanguageModelTest {

    static final int[][] INPUTS = {{1, 2, 3, 4}, {4, 3, 2, 1}}, TARGETS = {{2, 3, 4, 0}, {3, 2, 1, 0}};

    @ParameterizedTest
    @EnumSource(RecurrentCell.Kind.class)
    void everyKindLearnsTheEnglishCorpusWithTruncatedBptt(RecurrentCell.Kind kind) {
        var corpus = Corpus.english();
        var tokenizer = CharTokenizer.train(corpus.text());
        var data = TokenDataset.encode(corpus, tokenizer, 0.1);
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(kind, tokenizer.vocabSize()), 1);
        var result = new Trainer(model, data, Trainer.Config.quick().withMaxSteps(60).withEvaluation(30, 2)
                .withBatchOrder(Trainer.BatchOrder.CONTIGUOUS_STREAMS).withLearningRate(1e-2f)).fit();
        double first = result.history().entries().getFirst().validationLoss();
        assertThat(result.bestValidationLoss()).as(kind + ": loss falls from ln V").isLessThan(first - 0.5);
        String text = model.sample(tokenizer, "The ", 40, 0.8f, 7);
        assertThat(text).hasSize(40).isEqualTo(model.sample(tokenizer, "The ", 40, 0.8f, 7));
    }

    @Test
    void aContinuingBatchStartsFromTheCarriedState() {
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(RecurrentCell.Kind.GRU, 6), 2);
        float fresh = model.loss(Batch.of(INPUTS, TARGETS)).item();
        float carried = model.loss(new Batch(INPUTS, TARGETS, true)).item();
        assertThat(carried).as("the second batch starts from the first's final state").isNotEqualTo(fresh);
        model.resetState();
        assertThat(model.loss(new Batch(INPUTS, TARGETS, true)).item()).as("after a reset: zeros").isEqualTo(fresh);

        model.eval();
        float evalLoss = model.loss(Batch.of(INPUTS, TARGETS)).item();
        model.train();
        model.resetState();
        model.loss(Batch.of(INPUTS, TARGETS));
        model.eval();
        model.loss(Batch.of(new int[][] {{5, 5, 5, 5}, {5, 5, 5, 5}}, TARGETS)); // evaluation must not disturb it
        model.train();
        assertThat(model.loss(new Batch(INPUTS, TARGETS, true)).item()).isEqualTo(carried);
        assertThat(evalLoss).isEqualTo(fresh);
    }

    @Test
    void gradientsOfTheWholeModelPassAGradientCheck() {
        var model = new RnnLanguageModel(new RnnLanguageModel.Config(RecurrentCell.Kind.LSTM, 6, 3, 4, 0f), 3);
        GradCheck.check(in -> model.loss(Batch.of(INPUTS, TARGETS)), model.parameters().toArray(Tensor[]::new))
                .orThrow();
    }

    @Test
    void generationIsSeededAndRejectsAnEmptyPrompt() {
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(RecurrentCell.Kind.LSTM, 6), 4);
        int[] a = model.generate(new int[] {1, 2}, 30, 1f, new SplittableRandom(9));
        assertThat(a).hasSize(30).containsExactly(model.generate(new int[] {1, 2}, 30, 1f, new SplittableRandom(9)));
        assertThat(model.generate(new int[] {1, 2}, 30, 1f, new SplittableRandom(10))).isNotEqualTo(a);
        assertThatThrownBy(() -> model.generate(new int[0], 5, 1f, new SplittableRandom(1)))
                .hasMessageContaining("prompt is empty");
        assertThat(model.isTraining()).isTrue();
    }

    @Test
    void generatingStepByStepEqualsReadingTheWholeText() {
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(RecurrentCell.Kind.RNN, 6), 5);
        int[] prompt = {1, 2, 3};
        int[] generated = model.generate(prompt, 4, 0f, new SplittableRandom(1)); // greedy
        int[] text = {1, 2, 3, generated[0], generated[1], generated[2]};
        Tensor logits = model.forward(new int[][] {text}, null).logits(); // (1, 6, V)
        for (int i = 0; i < 4; i++) {
            float[] row = logits.select(1, 2 + i).toArray();
            int best = 0;
            for (int v = 1; v < row.length; v++) {
                best = row[v] > row[best] ? v : best;
            }
            assertThat(generated[i]).as("token %d", i).isEqualTo(best);
        }
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() {
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(RecurrentCell.Kind.GRU, 4), 6);
        assertThatThrownBy(() -> model.loss(Batch.of(INPUTS, TARGETS)))
                .hasMessageContaining("outside the model's vocabulary of 4");
        assertThatThrownBy(() -> model.forward(new int[][] {{9}}, null)).hasMessageContaining("token id 9");
    }

    @Test
    void aCharLstmWritesTangPoems() {
        var poems = Corpus.tangPoems();
        Tools.require(poems.isPresent(), "the Tang poems: sudo apt-get install fortunes-zh");
        var tokenizer = CharTokenizer.train(poems.get().text());
        var data = TokenDataset.encode(poems.get(), tokenizer, 0.1);
        var model = new RnnLanguageModel(RnnLanguageModel.Config.tiny(RecurrentCell.Kind.LSTM, tokenizer.vocabSize()), 7);
        var result = new Trainer(model, data, Trainer.Config.quick().withMaxSteps(30).withEvaluation(30, 2)
                .withBatchOrder(Trainer.BatchOrder.CONTIGUOUS_STREAMS).withLearningRate(1e-2f)).fit();
        assertThat(result.bestValidationLoss()).isLessThan(Math.log(tokenizer.vocabSize()));
        String poem = model.sample(tokenizer, "床前", 20, 0.8f, 1);
        assertThat(poem.codePoints().filter(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN).count())
                .as("mostly Chinese characters: " + poem).isGreaterThan(5);
    }
}
