package dev.minillm.position;

import dev.minillm.attention.AttentionConfig;
import dev.minillm.attention.MultiHeadAttention;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AlibiPositionsTest {

    @Test
    void powerOfTwoHeadsGetAGeometricSequence() {
        assertThat(AlibiPositions.slopes(8)).containsExactly(1 / 2.0, 1 / 4.0, 1 / 8.0, 1 / 16.0, 1 / 32.0, 1 / 64.0,
                1 / 128.0, 1 / 256.0);
        assertThat(AlibiPositions.slopes(1)).containsExactly(1 / 256.0);
        double[] sixteen = AlibiPositions.slopes(16);
        assertThat(sixteen[0]).isCloseTo(Math.pow(2, -0.5), within(1e-12));
        assertThat(sixteen[15]).isCloseTo(1 / 256.0, within(1e-12));
    }

    @Test
    void otherHeadCountsFollowThePapersRule() {
        // 6 heads: the 4 slopes of 4 heads, then every other slope of 8 heads: 1/2, 1/8
        assertThat(AlibiPositions.slopes(6)).containsExactly(1 / 4.0, 1 / 16.0, 1 / 64.0, 1 / 256.0, 1 / 2.0, 1 / 8.0);
        // 12 heads: 8 heads' slopes, then 16 heads' 1st, 3rd, 5th, 7th
        double[] twelve = AlibiPositions.slopes(12);
        for (int h = 8; h < 12; h++) {
            assertThat(twelve[h]).isCloseTo(Math.pow(2, -0.5 * (2 * (h - 8) + 1)), within(1e-12));
        }
        assertThatThrownBy(() -> AlibiPositions.slopes(0)).hasMessageContaining("at least one head");
    }

    @Test
    void biasMatrixMatchesItsDefinition() {
        double[] slopes = AlibiPositions.slopes(3);
        Tensor bias = AlibiPositions.bias(slopes, 6);
        assertThat(bias.shape()).containsExactly(3, 6, 6);
        for (int h = 0; h < 3; h++) {
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    float expected = j <= i ? (float) (-slopes[h] * (i - j)) : 0f;
                    assertThat(bias.get(h, i, j)).as("bias[%d, %d, %d]", h, i, j).isCloseTo(expected, within(1e-6f));
                }
            }
        }
    }

    @Test
    void aConstantShiftOfTheBiasRowDoesNotChangeAttention() {
        // Softmax ignores a constant per row, so only distances matter: -m·(i-j) and m·j give the same weights.
        var attention = new MultiHeadAttention(AttentionConfig.causal(8, 2, 10), 1);
        Tensor x = Tensor.randn(2, 1, 5, 8);
        double[] slopes = AlibiPositions.slopes(2);
        Tensor bias = AlibiPositions.bias(slopes, 5);
        float[] shifted = new float[2 * 5 * 5];
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j <= i; j++) {
                    shifted[(h * 5 + i) * 5 + j] = (float) (slopes[h] * j);
                }
            }
        }
        Tensor a = attention.forward(x, null, bias), b = attention.forward(x, null, Tensor.of(shifted, 2, 5, 5));
        assertThat(a.allClose(b, 1e-5f, 1e-5f)).isTrue();
    }

    @Test
    void gradientCheckThroughBiasedAttention() {
        var attention = new MultiHeadAttention(AttentionConfig.causal(8, 2, 10), 2);
        var alibi = new AlibiPositions(2);
        GradCheck.check(in -> attention.forward(in[0], null, alibi.scoreBias(4)),
                Tensor.randn(3, 1, 4, 8).requiresGrad(true)).orThrow();
    }

    @Test
    void scoreBiasIsCachedPerLength() {
        var alibi = new AlibiPositions(4);
        assertThat(alibi.scoreBias(7)).isSameAs(alibi.scoreBias(7));
        assertThat(alibi.scoreBias(9).shape()).containsExactly(4, 9, 9);
    }
}
