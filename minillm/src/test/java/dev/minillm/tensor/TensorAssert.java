package dev.minillm.tensor;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Comparing tensors in tests: shapes equal, and every element within |a - e| ≤ atol + rtol·|e|. */
final class TensorAssert {

    private TensorAssert() {}

    static void assertClose(String what, Tensor actual, Tensor expected, double rtol, double atol) {
        assertThat(actual.shape()).as(what + ": shape").containsExactly(expected.shape());
        float[] a = actual.toArray(), e = expected.toArray();
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == e[i] || Float.isNaN(a[i]) && Float.isNaN(e[i])) {
                continue; // also equal infinities
            }
            double ratio = Math.abs(a[i] - e[i]) / (atol + rtol * Math.abs(e[i]));
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
            }
        }
        if (worst >= 0) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "%s: element %s is %.9g, expected %.9g (|diff| %.3g > %.1g + %.1g·|expected|)", what,
                    Arrays.toString(Autograd.unravel(worst, expected.shape())), a[worst], e[worst],
                    Math.abs(a[worst] - e[worst]), atol, rtol));
        }
    }

    static void assertClose(String what, float actual, float expected, double rtol, double atol) {
        assertClose(what, Tensor.scalar(actual), Tensor.scalar(expected), rtol, atol);
    }
}
