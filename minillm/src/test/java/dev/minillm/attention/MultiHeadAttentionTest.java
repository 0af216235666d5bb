package dev.minillm.attention;

import dev.minillm.attention.ScaledDotProductAttention.Kernel;
import dev.minillm.attention.ScaledDotProductAttention.Options;
import dev.minillm.tensor.Autograd;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.minillm.attention.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiHeadAttentionTest {

    @Test
    void shapesParametersAndNames() {
        var layer = new MultiHeadAttention(AttentionConfig.tiny(), 1);
        AttentionOutput out = layer.forwardWithWeights(Tensor.randn(2, 3, 10, 16), null);
        assertThat(out.output().shape()).containsExactly(3, 10, 16);
        assertThat(out.weights().shape()).containsExactly(3, 4, 10, 10);
        assertThat(layer.parameterCount()).isEqualTo(4L * 16 * 16 + 4 * 16); // W_qkv, W_o and their biases
        assertThat(layer.namedParameters().keySet()).containsExactly("qkv.weight", "qkv.bias", "proj.weight", "proj.bias");
        assertThat(layer.qkv().weight().shape()).containsExactly(48, 16);
        assertThat(layer.toString()).startsWith("MultiHeadAttention(C=16, heads=4, hs=4, causal=true, kernel=FUSED\n  (qkv): Linear(in=16, out=48");
        assertThat(new MultiHeadAttention(AttentionConfig.tiny().withBias(false), 1).parameterCount()).isEqualTo(4L * 16 * 16);
    }

    /** The fused projection and the head split are exactly nh separate single-head attentions side by side. */
    @Test
    void equalsOneAttentionPerHeadOnItsSliceOfTheProjections() {
        var config = AttentionConfig.causal(12, 3, 8).withKernel(Kernel.COMPOSED);
        var layer = new MultiHeadAttention(config, 2);
        Tensor x = Tensor.randn(3, 2, 5, 12);
        Tensor w = layer.qkv().weight(), b = layer.qkv().bias(); // (36, 12), (36)
        List<Tensor> heads = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            Tensor q = project(x, w, b, h * 4), k = project(x, w, b, 12 + h * 4), v = project(x, w, b, 24 + h * 4); // (B, T, 4)
            heads.add(ScaledDotProductAttention.attend(q, k, v, Options.defaults().withCausal(true)).output());
        }
        Tensor expected = layer.proj().forward(Tensor.concat(2, heads));
        assertClose("multi-head = heads side by side", layer.forward(x), expected, 1e-5, 1e-6);
    }

    /** x·W[rows from..from+4]ᵀ + b[from..from+4]: one head's slice of the fused projection. */
    private static Tensor project(Tensor x, Tensor w, Tensor b, int from) {
        return x.matmul(w.slice(0, from, from + 4).transpose()).add(b.slice(0, from, from + 4));
    }

    @Test
    void aCausalLayerIgnoresLaterPositions() {
        var layer = new MultiHeadAttention(AttentionConfig.tiny(), 3);
        Tensor x = Tensor.randn(4, 1, 6, 16);
        Tensor changed = Tensor.concat(1, x.slice(1, 0, 5), Tensor.full(3f, 1, 1, 16));
        assertThat(layer.forward(changed).slice(1, 0, 5).toArray()).containsExactly(layer.forward(x).slice(1, 0, 5).toArray());
        var bidirectional = new MultiHeadAttention(AttentionConfig.tiny().withCausal(false), 3);
        assertThat(Arrays.equals(bidirectional.forward(changed).slice(1, 0, 5).toArray(),
                bidirectional.forward(x).slice(1, 0, 5).toArray())).isFalse();
    }

    @Test
    void paddedPositionsDoNotChangeTheOthers() {
        var layer = new MultiHeadAttention(AttentionConfig.tiny().withCausal(false), 5);
        Tensor keep = Tensor.matrix(new float[][] {{1, 1, 1, 0, 0}});
        Tensor x = Tensor.randn(6, 1, 5, 16);
        Tensor changed = Tensor.concat(1, x.slice(1, 0, 3), Tensor.full(7f, 1, 2, 16));
        assertThat(layer.forward(changed, keep).slice(1, 0, 3).toArray())
                .containsExactly(layer.forward(x, keep).slice(1, 0, 3).toArray());
    }

    @Test
    void theFusedKernelGivesTheSameOutputAsTheComposedOps() {
        var fused = new MultiHeadAttention(AttentionConfig.tiny().withKernel(Kernel.FUSED), 7);
        var composed = new MultiHeadAttention(AttentionConfig.tiny().withKernel(Kernel.COMPOSED), 7);
        Tensor x = Tensor.randn(8, 2, 13, 16);
        try (var _ = Autograd.noGrad()) {
            AttentionOutput a = fused.forwardWithWeights(x, null), b = composed.forwardWithWeights(x, null);
            assertClose("output", a.output(), b.output(), 1e-5, 1e-6);
            assertClose("weights", a.weights(), b.weights(), 1e-5, 1e-6);
        }
    }

    @Test
    void gradCheckOfTheInputAndEveryParameter() {
        var layer = new MultiHeadAttention(AttentionConfig.causal(6, 2, 8), 9);
        Tensor x = Tensor.randn(10, 2, 4, 6).requiresGrad(true);
        List<Tensor> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(layer.parameters());
        GradCheck.check(in -> layer.forward(in[0]), inputs.toArray(Tensor[]::new)).orThrow();
    }

    @Test
    void dropoutIsSeededAndOffInEvaluation() {
        var config = AttentionConfig.tiny().withDropout(0.3f);
        var a = new MultiHeadAttention(config, 11);
        var b = new MultiHeadAttention(config, 11);
        Tensor x = Tensor.randn(12, 2, 8, 16);
        Tensor trainA = a.forward(x), trainB = b.forward(x);
        assertThat(trainA.toArray()).as("same seed, same masks").containsExactly(trainB.toArray());
        a.eval();
        Tensor evaluation = a.forward(x);
        assertThat(Arrays.equals(evaluation.toArray(), trainA.toArray())).isFalse();
        var noDropout = new MultiHeadAttention(config.withDropout(0f), 11);
        assertClose("eval = no dropout", evaluation, noDropout.forward(x), 1e-5, 1e-6);
    }

    @Test
    void badInputIsExplained() {
        assertThatThrownBy(() -> AttentionConfig.causal(10, 3, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("embeddingDim 10 is not divisible by heads 3")
                .hasMessageContaining("(1, 2, 5, 10)");
        var layer = new MultiHeadAttention(AttentionConfig.tiny(), 1); // blockSize 32
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 1, 33, 16)))
                .hasMessageContaining("T = 33 positions, more than the configured maximum blockSize = 32");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 12)))
                .hasMessageContaining("x must have shape (B, T, 16), got (2, 5, 12)");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 5, 16)))
                .hasMessageContaining("add the batch axis with unsqueeze(0)");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 16), Tensor.ones(2, 4)))
                .hasMessageContaining("padding mask must have shape (B, Tk) = (2, 5)");
        assertThatThrownBy(() -> MultiHeadAttention.splitHeads(Tensor.randn(1, 2, 5, 10), 3))
                .hasMessageContaining("10 channels do not divide into 3 heads");
        assertThatThrownBy(() -> AttentionConfig.tiny().withDropout(1f)).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> AttentionConfig.tiny().withKernel(null)).hasMessageContaining("kernel");
    }

    @Test
    void presetsAndHeadsSplitAndMerge() {
        assertThat(AttentionConfig.gpt2().headSize()).isEqualTo(64);
        assertThat(AttentionConfig.gpt2().blockSize()).isEqualTo(1024);
        Tensor x = Tensor.randn(13, 2, 5, 12);
        Tensor heads = MultiHeadAttention.splitHeads(x, 3);
        assertThat(heads.shape()).containsExactly(2, 3, 5, 4);
        assertThat(heads.get(1, 2, 4, 3)).isEqualTo(x.get(1, 4, 2 * 4 + 3)); // head 2 owns channels 8..11
        assertThat(MultiHeadAttention.mergeHeads(heads).toArray()).containsExactly(x.toArray());
    }
}
