package dev.minillm.attention;

import dev.minillm.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Comparing tensors in tests: shapes equal, and every element within |a - e| ≤ atol + rtol·|e|. */
final class Close {

    private Close() {}

    static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
        assertClose(what, actual.toArray(), expected.toArray(), rtol, atol);
    }

    static void assertClose(String what, float[] a, float[] e, double rtol, double atol) {
        assertThat(a.length).as(what + ": length").isEqualTo(e.length);
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == e[i]) {
                continue;
            }
            double ratio = Math.abs(a[i] - e[i]) / (atol + rtol * Math.abs(e[i]));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "%s: element %d is %.9g, expected %.9g (|diff| %.3g > %.1g + %.1g·|expected|)", what, worst,
                    a[worst], e[worst], Math.abs(a[worst] - e[worst]), atol, rtol));
        }
    }

    static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }
}
