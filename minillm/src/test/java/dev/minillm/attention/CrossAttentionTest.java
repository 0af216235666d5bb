package dev.minillm.attention;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrossAttentionTest {

    private static final AttentionConfig CONFIG = AttentionConfig.causal(12, 3, 16).withCausal(false);

    @Test
    void queriesFromOneSequenceKeysAndValuesFromAnother() {
        var layer = new CrossAttention(CONFIG, 10, 1);
        AttentionOutput out = layer.forwardWithWeights(Tensor.randn(2, 2, 5, 12), Tensor.randn(3, 2, 9, 10), null);
        assertThat(out.output().shape()).containsExactly(2, 5, 12);
        assertThat(out.weights().shape()).containsExactly(2, 3, 5, 9);
        assertThat(layer.namedParameters().keySet())
                .containsExactly("q.weight", "q.bias", "kv.weight", "kv.bias", "proj.weight", "proj.bias");
        assertThat(layer.namedParameters().get("kv.weight").shape()).containsExactly(24, 10);
        assertThat(layer.contextDim()).isEqualTo(10);
    }

    @Test
    void theContextsPaddingIsIgnored() {
        var layer = new CrossAttention(CONFIG, 10, 4);
        Tensor x = Tensor.randn(5, 1, 3, 12), context = Tensor.randn(6, 1, 6, 10);
        Tensor keep = Tensor.matrix(new float[][] {{1, 1, 1, 1, 0, 0}});
        Tensor changed = Tensor.concat(1, context.slice(1, 0, 4), Tensor.full(5f, 1, 2, 10));
        assertThat(layer.forward(x, changed, keep).toArray()).containsExactly(layer.forward(x, context, keep).toArray());
        AttentionOutput out = layer.forwardWithWeights(x, context, keep);
        assertThat(out.weights().slice(3, 4, 6).toArray()).containsOnly(0f);
    }

    @Test
    void gradCheckOfBothSequencesAndEveryParameter() {
        var layer = new CrossAttention(AttentionConfig.causal(4, 2, 8).withCausal(false), 3, 7);
        Tensor x = Tensor.randn(8, 1, 3, 4).requiresGrad(true), context = Tensor.randn(9, 1, 5, 3).requiresGrad(true);
        List<Tensor> inputs = new ArrayList<>(List.of(x, context));
        inputs.addAll(layer.parameters());
        GradCheck.check(in -> layer.forward(in[0], in[1]), inputs.toArray(Tensor[]::new)).orThrow();
    }

    @Test
    void badInputIsExplained() {
        assertThatThrownBy(() -> new CrossAttention(AttentionConfig.causal(12, 3, 16), 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withCausal(false)");
        var layer = new CrossAttention(CONFIG, 10, 1);
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 12), Tensor.randn(2, 3, 6, 10)))
                .hasMessageContaining("x has batch size 2 but the context has 3");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 12), Tensor.randn(2, 2, 6, 12)))
                .hasMessageContaining("context must have shape (B, T, 10), got (2, 6, 12)");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 12), Tensor.randn(2, 2, 17, 10)))
                .hasMessageContaining("context has T = 17 positions, more than the configured maximum blockSize = 16");
        assertThatThrownBy(() -> layer.forward(Tensor.randn(1, 2, 5, 12), Tensor.randn(2, 2, 6, 10), Tensor.ones(2, 5)))
                .hasMessageContaining("padding mask must have shape (B, Tk) = (2, 6)");
    }
}
