package dev.minillm.exercises.ch07;

import dev.minillm.grading.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Graded tests of Chapter 7's exercises, in {@link Blocks}. Expected numbers are worked out in comments. */
@DisplayName("Chapter 7: the Transformer")
class BlocksTest {

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as("length").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d of %s", i, Arrays.toString(actual)).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1);
        return v;
    }

    @Test
    @Points(4)
    @DisplayName("1. layerNorm centres, scales by the population variance, then applies gamma and beta")
    void layerNorm() {
        double s = Math.sqrt(3.5);  // mean 3, variance (4 + 1 + 0 + 9) / 4
        assertClose(Blocks.layerNorm(new double[] {1, 2, 3, 6}, ones(4), new double[4], 0),
                new double[] {-2 / s, -1 / s, 0, 3 / s}, 1e-12);
        // gamma 2, beta 1 on [0, 2]: mean 1, variance 1 → [-1, 1] → [-1, 3]; ε = 1 halves the variance's effect
        assertClose(Blocks.layerNorm(new double[] {0, 2}, new double[] {2, 2}, new double[] {1, 1}, 0), new double[] {-1, 3}, 1e-12);
        assertClose(Blocks.layerNorm(new double[] {0, 2}, ones(2), new double[2], 1), new double[] {-1 / Math.sqrt(2), 1 / Math.sqrt(2)}, 1e-12);
    }

    @Test
    @Points(4)
    @DisplayName("2. rmsNorm divides by the root mean square, without centring")
    void rmsNorm() {
        double r = Math.sqrt(12.5);  // (1 + 4 + 9 + 36) / 4
        assertClose(Blocks.rmsNorm(new double[] {1, 2, 3, 6}, ones(4), 0), new double[] {1 / r, 2 / r, 3 / r, 6 / r}, 1e-12);
        // constant input: layer norm would give 0, RMS norm gives γ
        assertClose(Blocks.rmsNorm(new double[] {5, 5}, new double[] {2, 3}, 0), new double[] {2, 3}, 1e-12);
    }

    @Test
    @Points(4)
    @DisplayName("3. gelu is GPT-2's tanh approximation")
    void gelu() {
        assertThat(Blocks.gelu(0)).isZero();
        assertThat(Blocks.gelu(1)).isCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715)), within(1e-12));
        assertThat(Blocks.gelu(1)).isCloseTo(0.8412, within(1e-4));
        assertThat(Blocks.gelu(-3)).isCloseTo(-0.0036, within(1e-4));
        assertThat(Blocks.gelu(10)).isCloseTo(10, within(1e-9));
    }

    @Test
    @Points(5)
    @DisplayName("4. swiglu gates the up projection by SiLU of the gate projection, then projects down")
    void swiglu() {
        double silu2 = 2 / (1 + Math.exp(-2));
        assertClose(Blocks.swiglu(new double[] {2}, new double[][] {{1}}, new double[][] {{3}}, new double[][] {{0.5}}),
                new double[] {silu2 * 6 * 0.5}, 1e-12);
        // C = 2, H = 2: g = x·wGate = [1, 0] → SiLU = [σ(1), 0]; u = x·wUp = [2, 5]; h = [2σ(1), 0]; y = h·wDown
        double sigma1 = 1 / (1 + Math.exp(-1));
        assertClose(Blocks.swiglu(new double[] {1, 0}, new double[][] {{1, 0}, {7, 7}}, new double[][] {{2, 5}, {9, 9}},
                new double[][] {{1, -1}, {4, 4}}), new double[] {2 * sigma1, -2 * sigma1}, 1e-12);
    }

    @Test
    @Points(4)
    @DisplayName("5. preNormResidual adds f(LayerNorm(x)) to the untouched stream")
    void preNormResidual() {
        double[][] x = {{1, 3}, {4, 4}};
        double[][] copy = {{1, 3}, {4, 4}};
        // LayerNorm([1, 3]) = [-1, 1]·(1/√(1 + 1e-5)); LayerNorm([4, 4]) = [0, 0]; f doubles its input
        double n = 1 / Math.sqrt(1 + 1e-5);
        double[][] y = Blocks.preNormResidual(x, ones(2), new double[2], v -> new double[] {2 * v[0], 2 * v[1]});
        assertClose(y[0], new double[] {1 - 2 * n, 3 + 2 * n}, 1e-12);
        assertClose(y[1], new double[] {4, 4}, 1e-12);
        assertThat(x).as("x is not changed").isDeepEqualTo(copy);
        assertClose(Blocks.preNormResidual(x, ones(2), new double[2], v -> new double[2])[0], new double[] {1, 3}, 0);
    }

    @Test
    @Points(5)
    @DisplayName("6. gptParameterCount: GPT-2 small has 124,439,808 parameters with a tied head")
    void gptParameterCount() {
        assertThat(Blocks.gptParameterCount(50257, 1024, 12, 768)).isEqualTo(124_439_808L);
        // nanoGPT's baby GPT on 65 characters: the 809,856 of GPT.parameterCount() in the reading
        assertThat(Blocks.gptParameterCount(65, 64, 4, 128)).isEqualTo(809_856L);
        // C = 1, L = 1: embeddings V + T; attention 3 + 3 + 1 + 1; MLP 4 + 4 + 4 + 1; norms 4; final 2
        assertThat(Blocks.gptParameterCount(2, 3, 1, 1)).isEqualTo(5 + 8 + 13 + 4 + 2);
    }

    @Test
    @Points(5)
    @DisplayName("7. topKGates: softmax over the k best experts, zeros elsewhere, ties to the lower index")
    void topKGates() {
        assertClose(Blocks.topKGates(new double[] {0, Math.log(3), -5, 0}, 2), new double[] {0.25, 0.75, 0, 0}, 1e-12);
        assertClose(Blocks.topKGates(new double[] {1, 9, 2}, 1), new double[] {0, 1, 0}, 1e-12);
        assertClose(Blocks.topKGates(new double[] {1000, 1000, 0}, 3), new double[] {0.5, 0.5, Math.exp(-1000) / 2}, 1e-12);
        assertThatThrownBy(() -> Blocks.topKGates(new double[] {1, 2}, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(5)
    @DisplayName("8. bertMask: 15% selected, then 80% [MASK], 10% random, 10% unchanged; loss only on selected")
    void bertMask() {
        int[] tokens = {11, 12, 13, 14, 15};
        double[] select = {0.5, 0.1, 0.14, 0.149, 0.15};
        double[] action = {0.0, 0.79, 0.8, 0.95, 0.1};
        int[] random = {1, 2, 3, 4, 5};
        int[][] result = Blocks.bertMask(tokens, select, action, random, 99);
        assertThat(result[0]).as("inputs").containsExactly(11, 99, 3, 14, 15);
        assertThat(result[1]).as("targets").containsExactly(-100, 12, 13, 14, -100);
        assertThat(tokens).as("tokens are not changed").containsExactly(11, 12, 13, 14, 15);
    }

    @Test
    @Points(3)
    @DisplayName("9. nextTokenTargets shifts the window by one")
    void nextTokenTargets() {
        int[][] pair = Blocks.nextTokenTargets(new int[] {5, 6, 7, 8});
        assertThat(pair[0]).containsExactly(5, 6, 7);
        assertThat(pair[1]).containsExactly(6, 7, 8);
        assertThatThrownBy(() -> Blocks.nextTokenTargets(new int[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}
