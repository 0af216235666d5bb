package dev.minillm.transformer;

import dev.minillm.position.Positions;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** GPT.attentionWeights: the weights the model really uses, positions included. */
class AttentionWeightsTest {

    @Test
    void theWeightsAreThoseOfTheForwardPassForEveryPositionScheme() {
        int[] tokens = new SplittableRandom(1).ints(12, 0, 50).toArray();
        for (PositionScheme scheme : Positions.all()) {
            var gpt = new GPT(GPTConfig.tiny().withPositions(scheme), 3);
            gpt.eval();
            List<Tensor> maps = gpt.attentionWeights(tokens);
            assertThat(maps).hasSize(2);
            // the same blocks run with weights kept give the model's own logits
            Tensor x = gpt.positionEncoding().embed(gpt.tokenEmbedding().forward(new int[][] {tokens}));
            for (Block block : gpt.blocks()) {
                var out = block.forwardWithWeights(x, gpt.positionEncoding());
                assertThat(out.weights().select(0, 0).toArray()).containsExactly(maps.get(gpt.blocks().indexOf(block)).toArray());
                x = out.output();
            }
            assertThat(gpt.logits(x).allClose(gpt.forward(new int[][] {tokens}), 1e-5f, 1e-5f)).as(scheme.name()).isTrue();
            float[] w = maps.getFirst().toArray();                          // (nh, T, T)
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 12; i++) {
                    double sum = 0;
                    for (int j = 0; j < 12; j++) {
                        float p = w[(h * 12 + i) * 12 + j];
                        if (j > i) {
                            assertThat(p).as("causal").isZero();
                        }
                        sum += p;
                    }
                    assertThat(sum).isCloseTo(1.0, within(1e-5));
                }
            }
        }
    }

    @Test
    void relativeSchemesChangeTheWeightsThatPlainAttentionWouldGive() {
        int[] tokens = new SplittableRandom(2).ints(10, 0, 50).toArray();
        for (PositionScheme scheme : List.of(Positions.ROPE, Positions.ALIBI)) {
            var gpt = new GPT(GPTConfig.tiny().withPositions(scheme), 4);
            gpt.eval();
            Tensor x = gpt.positionEncoding().embed(gpt.tokenEmbedding().forward(new int[][] {tokens}));
            Block first = gpt.blocks().getFirst();
            Tensor withoutPositions = first.attention().forwardWithWeights(first.attentionInput(x), null).weights();
            assertThat(gpt.attentionWeights(tokens).getFirst().allClose(withoutPositions.select(0, 0), 1e-4f, 1e-4f))
                    .as(scheme.name() + " must show in the weights").isFalse();
        }
        var gpt = new GPT(GPTConfig.tiny(), 1);
        assertThatThrownBy(() -> gpt.attentionWeights(new int[17])).hasMessageContaining("blockSize = 16");
    }
}
