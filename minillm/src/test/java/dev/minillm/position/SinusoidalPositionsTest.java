package dev.minillm.position;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SinusoidalPositionsTest {

    @Test
    void tableIsTheClosedForm() {
        int length = 50, dim = 16;
        Tensor table = SinusoidalPositions.table(length, dim);
        assertThat(table.shape()).containsExactly(length, dim);
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < dim / 2; i++) {
                double angle = p / Math.pow(10_000, 2.0 * i / dim);
                assertThat(table.get(p, 2 * i)).as("PE[%d, %d]", p, 2 * i).isCloseTo((float) Math.sin(angle), within(1e-6f));
                assertThat(table.get(p, 2 * i + 1)).as("PE[%d, %d]", p, 2 * i + 1)
                        .isCloseTo((float) Math.cos(angle), within(1e-6f));
            }
        }
    }

    @Test
    void positionZeroIsZerosAndOnesAndEveryRowHasTheSameNorm() {
        Tensor table = SinusoidalPositions.table(100, 8);
        assertThat(table.select(0, 0).toArray()).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
        for (int p = 0; p < 100; p++) {
            float[] row = table.select(0, p).toArray();
            double norm2 = 0;
            for (float v : row) {
                norm2 += v * v;
            }
            assertThat(norm2).as("|PE[%d]|² = C/2", p).isCloseTo(4.0, within(1e-5));
        }
    }

    @Test
    void oddDimensionEndsWithASineColumn() {
        Tensor table = SinusoidalPositions.table(5, 3);
        double angle = 4 / Math.pow(10_000, 2.0 / 3);
        assertThat(table.get(4, 2)).isCloseTo((float) Math.sin(angle), within(1e-6f));
    }

    @Test
    void embedAddsTheScaledTableAndPassesTheGradientThrough() {
        var positions = new SinusoidalPositions(8, 0.5f);
        Tensor x = Tensor.randn(1, 2, 6, 8);
        Tensor expected = x.add(SinusoidalPositions.table(6, 8).mul(0.5f));
        assertThat(positions.embed(x).allClose(expected, 0f, 1e-6f)).isTrue();
        assertThat(positions.parameterCount()).as("one learned gain").isEqualTo(1);
        assertThat(new SinusoidalPositions(64).scale().item()).isEqualTo(0.125f);
        GradCheck.check(in -> positions.embed(in[0]), Tensor.randn(2, 2, 6, 8).requiresGrad(true)).orThrow();
        GradCheck.check(in -> positions.embed(Tensor.randn(3, 2, 6, 8)), positions.scale()).orThrow();
    }

    @Test
    void badSizesAreNamed() {
        assertThatThrownBy(() -> SinusoidalPositions.table(4, 0)).hasMessageContaining("dim >= 1");
        assertThatThrownBy(() -> new SinusoidalPositions(8, 0f)).hasMessageContaining("a positive scale");
    }
}
