package dev.minillm.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ops defined outside the engine (fused kernels) join the graph through Autograd.custom. */
class CustomOpTest {

    /** y = x², computed by hand, with its gradient 2x·g. */
    static Tensor square(Tensor x) {
        float[] in = x.toArray();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * in[i];
        }
        return Autograd.custom("square", Tensor.of(out, x.shape()), g -> {
            float[] dx = new float[in.length];
            for (int i = 0; i < in.length; i++) {
                dx[i] = 2 * in[i] * g[i];
            }
            return new float[][] {dx};
        }, x);
    }

    @Test
    void aCustomOpBackpropagatesLikeABuiltInOne() {
        Tensor x = Tensor.vector(1, -2, 3).requiresGrad(true);
        Tensor y = square(x);
        assertThat(y.op()).isEqualTo("square");
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(2, -4, 6);
        GradCheck.check(in -> square(in[0]), Tensor.randn(5, 3, 4).requiresGrad(true)).orThrow();
    }

    @Test
    void noGradModeRecordsNothing() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        try (var _ = Autograd.noGrad()) {
            assertThat(square(x).op()).isNull();
        }
    }

    @Test
    void aGradientOfTheWrongSizeIsReported() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor y = Autograd.custom("broken", Tensor.vector(1, 4), g -> new float[][] {new float[3]}, x);
        assertThatThrownBy(() -> y.sum().backward()).hasMessageContaining("op 'broken' returned a gradient of 3 values");
    }
}
