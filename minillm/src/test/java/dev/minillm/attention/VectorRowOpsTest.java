package dev.minillm.attention;

import dev.minillm.common.Simd;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class VectorRowOpsTest {

    @Test
    void theVectorExpIsWithinThreeTenMillionthsOfMathExp() {
        assumeTrue(Simd.AVAILABLE, "needs the Vector API module");
        var species = FloatVector.SPECIES_PREFERRED;
        var random = new SplittableRandom(1);
        float[] x = new float[species.length()], y = new float[species.length()];
        double worst = 0;
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = round < 10 ? -i : (float) (-87 + 175 * random.nextDouble()); // first exact small integers
            }
            VectorRowOps.exp(FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - exact) / exact);
            }
        }
        assertThat(worst).isLessThan(3e-7);
        VectorRowOps.exp(FloatVector.zero(species)).intoArray(y, 0);
        assertThat(y[0]).as("e^0 is exactly 1, as for the largest score of every softmax row").isEqualTo(1f);
    }
}
