package dev.minillm.position;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import dev.minillm.transformer.GPTConfig.FeedForward;
import dev.minillm.transformer.GPTConfig.Norm;
import dev.minillm.transformer.LearnedPositionEmbedding;
import dev.minillm.transformer.PositionScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schemes by name, and each one inside chapter 7's GPT. */
class PositionsTest {

    static GPTConfig small(String scheme) {
        return new GPTConfig(11, 6, 1, 2, 8, 0f, true, Norm.LAYER_NORM, FeedForward.GELU).withPositions(Positions.parse(scheme));
    }

    static final int[][] IDS = {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}};

    @Test
    void parseKnowsTheFiveNamesAndRejectsOthersClearly() {
        assertThat(Positions.all()).extracting(PositionScheme::name)
                .containsExactly("none", "sinusoidal", "learned", "rope", "alibi");
        assertThat(Positions.parse(" RoPE ")).isSameAs(Positions.ROPE);
        assertThatThrownBy(() -> Positions.parse("xpos")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown position scheme 'xpos'; choose one of none, sinusoidal, learned, rope, alibi");
        assertThatThrownBy(() -> PositionScheme.named("rope")).hasMessageContaining("Positions.parse(\"rope\")");
        assertThatThrownBy(() -> PositionScheme.named("xpos")).hasMessageContaining("unknown position scheme 'xpos'");
        assertThat(PositionScheme.named("learned")).isSameAs(PositionScheme.LEARNED);
    }

    @Test
    void theDefaultIsGpt2sLearnedTable() {
        assertThat(GPTConfig.tiny().positions()).isSameAs(PositionScheme.LEARNED);
        var model = new GPT(GPTConfig.tiny(), 0);
        assertThat(model.namedParameters()).containsKey("positionEmbedding.weight");
        assertThat(model.positionEncoding()).isInstanceOf(LearnedPositionEmbedding.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "sinusoidal", "rope", "alibi"})
    void schemesWithoutATableAddNoParameters(String scheme) {
        var learned = new GPT(small("learned"), 0);
        var model = new GPT(small(scheme), 0);
        int gain = scheme.equals("sinusoidal") ? 1 : 0; // the table's learned gain
        assertThat(learned.parameterCount() - model.parameterCount()).isEqualTo(6 * 8 - gain);
        assertThat(model.forward(IDS).shape()).containsExactly(2, 6, 11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "sinusoidal", "learned", "rope", "alibi"})
    void gradientCheckThroughTheWholeGpt(String scheme) {
        var model = new GPT(small(scheme), 3);
        Tensor tokens = model.tokenEmbedding().weight();
        // Weights of order 1: with GPT-2's 0.02 the finite-difference step would be as large as the weights.
        System.arraycopy(Tensor.randn(4, tokens.shape()).toArray(), 0, tokens.data(), 0, tokens.size());
        GradCheck.check(in -> model.forward(IDS), tokens).orThrow();
    }

    @Test
    void withoutPositionsAttentionCannotTellOrderApartButWithThemItCan() {
        // The same multiset of tokens before the last one: only the order differs.
        int[][] a = {{1, 2, 3, 4}}, b = {{3, 2, 1, 4}};
        for (String scheme : new String[] {"none", "sinusoidal", "learned", "rope", "alibi"}) {
            var model = new GPT(small(scheme), 5);
            Tensor la = model.forward(a).select(1, 3), lb = model.forward(b).select(1, 3);
            boolean same = la.allClose(lb, 1e-5f, 1e-6f);
            assertThat(same).as(scheme + ": last position's logits equal for both orders").isEqualTo(scheme.equals("none"));
        }
    }

    @Test
    void relativeSchemesGiveTheSameScoresWhenEverythingShiftsButAbsoluteOnesDoNot() {
        // RoPE: rotate(q, offset)·rotate(k, offset) for the whole window equals the unshifted scores.
        var rope = new RotaryPositions(8);
        Tensor q = Tensor.randn(new SplittableRandom(1), 2, 5, 8), k = Tensor.randn(new SplittableRandom(2), 2, 5, 8);
        Tensor plain = rope.rotate(q, 0).matmul(rope.rotate(k, 0).transpose());
        Tensor shifted = rope.rotate(q, 100).matmul(rope.rotate(k, 100).transpose());
        assertThat(shifted.allClose(plain, 1e-3f, 1e-3f)).isTrue();
    }

    @Test
    void positionsPastALearnedTableAreAClearError() {
        var table = new LearnedPositionEmbedding(4, 3, new SplittableRandom(0));
        assertThat(table.forward(4).shape()).containsExactly(4, 3);
        assertThatThrownBy(() -> table.forward(5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("past the end of the learned table of 4 positions")
                .hasMessageContaining("sinusoidal, rope, alibi");
        var model = new GPT(small("learned"), 0);
        var longer = new GPT(small("learned").withBlockSize(12), 0);
        assertThatThrownBy(() -> longer.loadStateDict(model.stateDict()))
                .hasMessageContaining("positionEmbedding.weight");
    }

    @Test
    void ropeNeedsAnEvenHeadSize() {
        var odd = new GPTConfig(11, 6, 1, 2, 6, 0f, true, Norm.LAYER_NORM, FeedForward.GELU).withPositions(Positions.ROPE);
        assertThatThrownBy(() -> new GPT(odd, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("head size must be even, got 3");
    }

    @Test
    void schemesWithoutATableReadLongerInputsWithTheSameWeights() {
        for (String scheme : new String[] {"none", "sinusoidal", "rope", "alibi"}) {
            var model = new GPT(small(scheme), 7);
            var longer = new GPT(small(scheme).withBlockSize(12), 99);
            longer.loadStateDict(model.stateDict());
            assertThat(longer.forward(new int[][] {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2}}).shape())
                    .containsExactly(1, 12, 11);
            assertThat(longer.forward(IDS).allClose(model.forward(IDS), 1e-5f, 1e-6f)).as(scheme).isTrue();
        }
    }

    @Test
    void aCheckpointRecordsTheSchemeByName() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(small("alibi")); // as Checkpoint writes it
        assertThat(json.get("positions").asText()).isEqualTo("alibi");
    }

    @Test
    void ropeNamesItsSettings() {
        assertThat(Positions.rope(500_000, 4, RotaryPositions.Convention.HALF).name())
                .isEqualTo("rope(theta=500000.0, scale=4.0, HALF)");
        assertThatThrownBy(() -> Positions.rope(1, 1, RotaryPositions.Convention.HALF)).hasMessageContaining("theta > 1");
    }
}
