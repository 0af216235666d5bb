package dev.minillm.transformer;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPTConfig.FeedForward;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MixtureOfExpertsTest {

    /** C = 8, 4 experts, 2 per token. */
    static GPTConfig config(FeedForward feedForward) {
        return GPTTest.small().withFeedForward(feedForward).withExperts(4, 2);
    }

    @Test
    void topKPicksTheLargestScoresLargestFirstAndBreaksTiesByIndex() {
        assertThat(MixtureOfExperts.topK(new float[] {0.1f, 2f, -1f, 0.5f}, 2)).containsExactly(1, 3);
        assertThat(MixtureOfExperts.topK(new float[] {1f, 1f, 1f}, 2)).containsExactly(0, 1);
        assertThatThrownBy(() -> MixtureOfExperts.topK(new float[] {1f}, 2)).hasMessageContaining("1 <= k <= 1");
    }

    @Test
    void routingSendsEachTokenToItsTopKExpertsWithGatesThatSumToOne() {
        var moe = new MixtureOfExperts(config(FeedForward.GELU), new SplittableRandom(1));
        moe.forward(Tensor.randn(2, 3, 5, 8));
        var routing = moe.lastRouting();
        float[][] probabilities = routing.probabilities().toMatrix(), gates = routing.gates().toMatrix();
        for (int i = 0; i < 15; i++) {
            int[] expected = MixtureOfExperts.topK(probabilities[i], 2);
            assertThat(routing.chosen()[i]).containsExactly(expected);
            // gates: softmax over the two chosen probabilities' scores, 0 elsewhere
            float p0 = probabilities[i][expected[0]], p1 = probabilities[i][expected[1]];
            assertThat(gates[i][expected[0]]).isCloseTo(p0 / (p0 + p1), within(1e-5f));
            assertThat(gates[i][expected[0]] + gates[i][expected[1]]).isCloseTo(1f, within(1e-5f));
            for (int e = 0; e < 4; e++) {
                if (e != expected[0] && e != expected[1]) {
                    assertThat(gates[i][e]).isZero();
                }
            }
        }
        assertThat(routing.tokensPerExpert()).hasSize(4).satisfies(c -> assertThat(c[0] + c[1] + c[2] + c[3]).isEqualTo(30));
    }

    @ParameterizedTest
    @EnumSource(FeedForward.class)
    void theSparseForwardEqualsTheDenseReference(FeedForward feedForward) {
        var moe = new MixtureOfExperts(config(feedForward), new SplittableRandom(2));
        Tensor x = Tensor.randn(3, 2, 6, 8);
        assertThat(moe.forward(x).allClose(moe.forwardDense(x), 1e-5f, 1e-6f)).isTrue();
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        var moe = new MixtureOfExperts(config(FeedForward.SWIGLU), new SplittableRandom(3));
        Tensor x = Tensor.randn(4, 2, 3, 8).requiresGrad(true);
        List<Tensor> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(moe.parameters());
        GradCheck.check(in -> moe.forward(in[0]), inputs.toArray(Tensor[]::new)).orThrow();
        GradCheck.check(in -> {
            moe.forward(in[0]);
            return moe.balanceLoss();
        }, inputs.toArray(Tensor[]::new)).orThrow();
    }

    @Test
    void theBalancingLossIsOneForEvenRoutingAndLargerForUneven() {
        // 4 tokens, 4 experts, top-1
        var even = routing(new float[][] {{3, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 3}}, 1);
        var uniform = routing(new float[][] {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}}, 1);
        var skewed = routing(new float[][] {{3, 0, 0, 0}, {3, 1, 0, 0}, {0, 0, 3, 0}, {2, 0, 0, 1}}, 1);
        var collapsed = routing(new float[][] {{9, 0, 0, 0}, {9, 0, 0, 0}, {9, 0, 0, 0}, {9, 0, 0, 0}}, 1);
        float balanced = MixtureOfExperts.balanceLoss(even).item();
        assertThat(balanced).isCloseTo(1f, within(1e-5f));
        assertThat(MixtureOfExperts.balanceLoss(uniform).item()).isCloseTo(1f, within(1e-5f));
        assertThat(MixtureOfExperts.balanceLoss(skewed).item()).isGreaterThan(balanced + 0.1f);
        assertThat(MixtureOfExperts.balanceLoss(collapsed).item()).isCloseTo(4f, within(0.01f)); // E when all go to one
        // many random routings, top-2: never below the balanced value
        var random = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            float[][] scores = new float[16][4];
            for (float[] row : scores) {
                for (int e = 0; e < 4; e++) {
                    row[e] = (float) random.nextGaussian() + (e == 0 ? trial / 10f : 0f);
                }
            }
            assertThat(MixtureOfExperts.balanceLoss(routing(scores, 2)).item()).isGreaterThan(0.95f);
        }
    }

    /** The routing a router with these scores (N, E) makes, top-k. */
    private static MixtureOfExperts.Routing routing(float[][] scores, int k) {
        Tensor s = Tensor.matrix(scores);
        int[][] chosen = new int[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            chosen[i] = MixtureOfExperts.topK(scores[i], k);
        }
        return new MixtureOfExperts.Routing(chosen, s.softmax(1), null);
    }

    @Test
    void theBalancingLossGradientLowersTheOverusedExpertsProbability() {
        var routing = routing(new float[][] {{3, 0, 0, 0}, {3, 1, 0, 0}, {2, 0, 0, 1}, {0, 0, 3, 0}}, 1);
        Tensor scores = Tensor.matrix(new float[][] {{3, 0, 0, 0}, {3, 1, 0, 0}, {2, 0, 0, 1}, {0, 0, 3, 0}})
                .requiresGrad(true);
        var live = new MixtureOfExperts.Routing(routing.chosen(), scores.softmax(1), null);
        MixtureOfExperts.balanceLoss(live).backward();
        // expert 0 takes 3 of 4 tokens: a gradient step lowers its scores
        assertThat(scores.grad().get(0, 0)).isPositive();
        assertThat(scores.grad().get(1, 0)).isPositive();
    }

    @Test
    void aGptWithExpertsTrainsAndAddsTheBalancingLoss() {
        var config = GPTTest.small().withExperts(4, 2);
        var model = new GPT(config, 1);
        assertThat(model.blocks().getFirst().mlp()).isInstanceOf(MixtureOfExperts.class);
        int[][] x = GPTTest.tokens(1, 2, 6, 11), y = GPTTest.tokens(2, 2, 6, 11);
        float withAux = model.loss(x, y).item();
        float balance = model.balanceLoss().item();
        assertThat(balance).isBetween(2f, 2f * 4);  // two blocks, each in [1, E]
        float lm = model.forward(x).reshape(12, 11).crossEntropy(java.util.Arrays.stream(y).flatMapToInt(
                java.util.Arrays::stream).toArray()).item();
        assertThat(withAux).isCloseTo(lm + MixtureOfExperts.BALANCE_WEIGHT * balance, within(1e-4f));
        // 4 experts hold 4 times the feed-forward parameters of the dense model, plus a router (E, C) per block
        long dense = new GPT(GPTTest.small(), 1).parameterCounts().mlp();
        assertThat(model.parameterCounts().mlp()).isEqualTo(4 * dense + 2 * 4 * 8);
        // In a deep stack a finite-difference step moves every router score, and some token's choice flips: a jump
        // no derivative sees. With k = E nothing is chosen away, so the whole GPT's gradients can be checked.
        var everyExpert = new GPT(GPTTest.small().withExperts(2, 2), 2);
        GradCheck.check(in -> everyExpert.loss(x, y), everyExpert.parameters().toArray(Tensor[]::new)).orThrow();
    }

    @Test
    void badExpertSettingsAreRejected() {
        assertThatThrownBy(() -> GPTConfig.tiny().withExperts(4, 5)).hasMessageContaining("expertsPerToken");
        assertThatThrownBy(() -> GPTConfig.tiny().withExperts(0, 1)).hasMessageContaining("both 0");
        assertThatThrownBy(() -> new MixtureOfExperts(GPTConfig.tiny(), new SplittableRandom(1)))
                .hasMessageContaining("withExperts");
    }
}
