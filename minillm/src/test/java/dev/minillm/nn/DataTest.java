package dev.minillm.nn;

import dev.minillm.common.Corpus;
import dev.minillm.tokenize.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TokenDataset, Batch and the two batch samplers. */
class DataTest {

    static final int[] STREAM = IntStream.range(0, 1000).map(i -> i % 50).toArray();

    @Test
    void theSplitKeepsTheOrderAndPutsTheTailInValidation() {
        var data = TokenDataset.split(IntStream.range(0, 100).toArray(), 100, 0.1);
        assertThat(data.train()).hasSize(90).startsWith(0, 1, 2);
        assertThat(data.validation()).hasSize(10).startsWith(90);
        assertThat(data.toString()).contains("train=90 tokens");
    }

    @Test
    void aCorpusIsEncodedWithTheTokenizersVocabulary() {
        var corpus = Corpus.of("tiny", "the cat sat on the mat. ".repeat(20));
        var tokenizer = CharTokenizer.train(corpus.text());
        var data = TokenDataset.encode(corpus, tokenizer, 0.2);
        assertThat(data.vocabSize()).isEqualTo(tokenizer.vocabSize());
        assertThat(data.train().length + data.validation().length).isEqualTo(corpus.text().length());
    }

    @Test
    void badDataIsRejected() {
        assertThatThrownBy(() -> TokenDataset.split(new int[] {1, 2, 3, 9}, 5, 0.5))
                .hasMessageContaining("id 9").hasMessageContaining("vocabulary of 5");
        assertThatThrownBy(() -> TokenDataset.split(new int[] {1, 2, 3}, 5, 0.9)).hasMessageContaining("(0, 0.5]");
        assertThatThrownBy(() -> TokenDataset.split(new int[] {1, 2, 3}, 5, 0.1)).hasMessageContaining("more text");
    }

    @Test
    void randomWindowsAreShiftedByOneAndDependOnlyOnSeedAndStep() {
        var sampler = BatchSampler.randomWindows(STREAM, 4, 8, 7);
        Batch a = sampler.batch(3), b = sampler.batch(3), c = sampler.batch(4);
        assertThat(a.inputs()).isDeepEqualTo(b.inputs());
        assertThat(a.inputs()).isNotEqualTo(c.inputs());
        assertThat(a.continues()).isFalse();
        for (int row = 0; row < 4; row++) {
            assertThat(Arrays.copyOfRange(a.inputs()[row], 1, 8)).containsExactly(Arrays.copyOfRange(a.targets()[row], 0, 7));
            assertThat(a.targets()[row][7]).isEqualTo((a.inputs()[row][7] + 1) % 50);
        }
        assertThat(BatchSampler.randomWindows(STREAM, 4, 8, 8).batch(3).inputs()).isNotEqualTo(a.inputs());
    }

    @Test
    void contiguousStreamsContinueRowByRowAndWrapAround() {
        var sampler = new BatchSampler.ContiguousStreams(STREAM, 3, 10); // streams of 333 tokens: 33 chunks
        assertThat(sampler.chunksPerPass()).isEqualTo(33);
        Batch first = sampler.batch(0), second = sampler.batch(1);
        assertThat(first.continues()).isFalse();
        assertThat(second.continues()).isTrue();
        for (int row = 0; row < 3; row++) {
            assertThat(second.inputs()[row][0]).as("row %d continues", row).isEqualTo(first.targets()[row][9]);
            assertThat(first.inputs()[row][0]).isEqualTo(STREAM[row * 333]);
        }
        assertThat(sampler.batch(33).continues()).as("a new pass starts over").isFalse();
        assertThat(sampler.batch(33).inputs()).isDeepEqualTo(first.inputs());
    }

    @Test
    void streamsTooShortForABlockAreRejected() {
        assertThatThrownBy(() -> BatchSampler.randomWindows(new int[] {1, 2, 3}, 2, 3, 0))
                .hasMessageContaining("shorter than one window of 4");
        assertThatThrownBy(() -> BatchSampler.contiguousStreams(STREAM, 200, 10))
                .hasMessageContaining("streams of 4 tokens");
    }

    @Test
    void batchesCheckTheirShapeAndVocabulary() {
        assertThatThrownBy(() -> Batch.of(new int[][] {{1, 2}}, new int[][] {{1}})).hasMessageContaining("row 0");
        assertThatThrownBy(() -> Batch.of(new int[0][], new int[0][])).hasMessageContaining("> 0");
        var batch = Batch.of(new int[][] {{1, 2}, {3, 4}}, new int[][] {{2, Batch.IGNORE}, {4, 5}});
        assertThat(batch.flatTargets()).containsExactly(2, Batch.IGNORE, 4, 5);
        assertThat(batch.tokens()).isEqualTo(4);
        batch.checkVocabulary(6);
        assertThatThrownBy(() -> batch.checkVocabulary(5)).hasMessageContaining("token id 5 (row 1, position 1)");
    }
}
