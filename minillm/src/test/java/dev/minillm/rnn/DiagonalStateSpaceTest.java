package dev.minillm.rnn;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.minillm.nn.NnTestSupport.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recurrent, convolution and scan forms agree, in values and gradients. */
class DiagonalStateSpaceTest {

    @Test
    void theThreeFormsGiveTheSameOutputsAndGradients() {
        var layer = new DiagonalStateSpace(3, 8, 2, new SplittableRandom(1));
        Tensor x = Tensor.randn(2, 3, 37, 3); // 37 steps: not a power of two, so the scan's last round is partial
        Map<String, float[]> reference = null;
        Tensor expected = null;
        for (DiagonalStateSpace.Form form : DiagonalStateSpace.Form.values()) {
            layer.zeroGrad();
            Tensor input = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
            Tensor y = layer.forward(input, form);
            y.mul(Tensor.randn(3, y.shape())).sum().backward();
            var gradients = new java.util.LinkedHashMap<String, float[]>();
            gradients.put("x", input.grad().toArray());
            layer.namedParameters().forEach((name, p) -> gradients.put(name, p.grad().toArray()));
            if (expected == null) {
                expected = y;
                reference = gradients;
            } else {
                assertClose(form + " output", y, expected, 1e-5, 1e-5);
                for (var entry : reference.entrySet()) {
                    float[] g = gradients.get(entry.getKey());
                    assertClose(form + " gradient of " + entry.getKey(), Tensor.vector(g), Tensor.vector(entry.getValue()),
                            1e-4, 1e-4);
                }
            }
        }
    }

    @Test
    void theKernelIsTheImpulseResponse() {
        var layer = new DiagonalStateSpace(2, 5, 3, new SplittableRandom(2));
        int time = 9;
        Tensor x = Tensor.randn(4, 1, time, 2);
        Tensor kernel = layer.kernel(time);                      // (T, O, I)
        assertThat(kernel.shape()).containsExactly(time, 3, 2);
        Tensor y = layer.forward(x);                             // (1, T, O)
        Tensor d = layer.stateDict().get("D");
        for (int t = 0; t < time; t++) {
            Tensor sum = x.select(1, t).matmul(d.transpose());   // D·x_t, (1, O)
            for (int k = 0; k <= t; k++) {
                sum = sum.add(x.select(1, k).matmul(kernel.select(0, t - k).transpose()));
            }
            assertClose("y_" + t, y.select(1, t), sum, 1e-5, 1e-5);
        }
    }

    @Test
    void everyFormPassesAGradientCheck() {
        var layer = new DiagonalStateSpace(2, 3, 2, new SplittableRandom(3));
        for (DiagonalStateSpace.Form form : DiagonalStateSpace.Form.values()) {
            Tensor x = Tensor.randn(5, 2, 6, 2).requiresGrad(true);
            List<Tensor> inputs = new ArrayList<>(List.of(x));
            inputs.addAll(layer.parameters());
            GradCheck.check(in -> layer.forward(in[0], form), inputs.toArray(Tensor[]::new)).orThrow();
        }
    }

    @Test
    void decaysStayBetweenZeroAndOne() {
        var layer = new DiagonalStateSpace(1, 16, 1, new SplittableRandom(4));
        for (float a : layer.decay().toArray()) {
            assertThat(a).isBetween(0.5f, 0.99f);
        }
        assertThat(layer.parameterCount()).isEqualTo(16 + 16 + 16 + 1);
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(1, 4, 2))).hasMessageContaining("(B, T, 1)");
    }
}
