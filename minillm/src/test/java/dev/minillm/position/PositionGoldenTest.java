package dev.minillm.position;

import dev.minillm.attention.ScaledDotProductAttention;
import dev.minillm.position.RotaryPositions.Convention;
import dev.minillm.tensor.SafeTensors;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schemes against PyTorch ({@code src/test/python/position_golden.py}, which follows the
 * reference code bases: the PyTorch tutorial's sinusoidal table, Meta's complex-number RoPE,
 * Hugging Face's rotate_half, the ALiBi paper's slopes); {@link PositionGoldenFilesTest} checks the
 * file is up to date.
 */
class PositionGoldenTest {

    static final Map<String, Tensor> GOLDEN = golden();

    static Map<String, Tensor> golden() {
        try {
            var url = PositionGoldenTest.class.getResource("/golden/position/positions.safetensors");
            assertThat(url).as("the committed golden file").isNotNull();
            return SafeTensors.read(Path.of(url.toURI())).tensors();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Tensor stored(String key) {
        assertThat(GOLDEN).as("golden file has " + key).containsKey(key);
        return GOLDEN.get(key);
    }

    static void assertClose(String what, Tensor actual, Tensor expected, float rtol, float atol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        assertThat(actual.allClose(expected, rtol, atol)).as(what + ": " + actual + " vs " + expected).isTrue();
    }

    @Test
    void sinusoidalTable() {
        assertClose("sinusoidal", SinusoidalPositions.table(10, 12), stored("sinusoidal"), 1e-6f, 1e-6f);
    }

    @Test
    void ropeInBothConventionsWithGradients() {
        Tensor projection = stored("rope.projection");
        for (var convention : Convention.values()) {
            String name = convention == Convention.INTERLEAVED ? "interleaved" : "half";
            var rope = new RotaryPositions(8, 10_000, 1, convention);
            Tensor x = Tensor.of(stored("rope.x").toArray(), 2, 2, 7, 8).requiresGrad(true);
            Tensor out = rope.rotate(x);
            assertClose("rope." + name, out, stored("rope." + name), 1e-5f, 1e-5f);
            out.mul(projection).sum().backward();
            assertClose("rope.grad_" + name, x.grad(), stored("rope.grad_" + name), 1e-5f, 1e-5f);
        }
        var scaled = new RotaryPositions(8, 500_000, 4, Convention.HALF);
        assertClose("rope.scaled", scaled.rotate(stored("rope.x")), stored("rope.scaled"), 1e-5f, 1e-5f);
    }

    @Test
    void alibiSlopesBiasAndBiasedAttention() {
        assertClose("alibi.slopes6", Tensor.vector(toFloats(AlibiPositions.slopes(6))), stored("alibi.slopes6"), 0f, 1e-7f);
        assertClose("alibi.slopes8", Tensor.vector(toFloats(AlibiPositions.slopes(8))), stored("alibi.slopes8"), 0f, 1e-7f);
        Tensor bias = new AlibiPositions(6).scoreBias(5);
        assertClose("alibi.bias6", bias, stored("alibi.bias6"), 1e-6f, 1e-6f);

        Tensor q = copy("alibi.q"), k = copy("alibi.k"), v = copy("alibi.v");
        Tensor scores = q.matmul(k.transpose()).div(2f).add(bias)
                .maskedFill(ScaledDotProductAttention.causalMask(5, 5), Float.NEGATIVE_INFINITY);
        Tensor output = scores.softmax().matmul(v);
        assertClose("alibi.output", output, stored("alibi.output"), 1e-5f, 1e-5f);
        output.mul(stored("alibi.projection")).sum().backward();
        assertClose("alibi.grad_q", q.grad(), stored("alibi.grad_q"), 1e-4f, 1e-5f);
        assertClose("alibi.grad_k", k.grad(), stored("alibi.grad_k"), 1e-4f, 1e-5f);
        assertClose("alibi.grad_v", v.grad(), stored("alibi.grad_v"), 1e-4f, 1e-5f);
    }

    private static Tensor copy(String key) {
        Tensor t = stored(key);
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
