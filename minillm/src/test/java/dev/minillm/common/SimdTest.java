package dev.minillm.common;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SimdTest {

    @Test
    void theVectorApiIsOnInTests() {
        assertThat(Simd.AVAILABLE).as("tests run with --add-modules jdk.incubator.vector").isTrue();
    }

    @Test
    void vectorDotMatchesTheScalarReferenceIncludingTails() {
        var random = new SplittableRandom(1);
        for (int n : new int[] {0, 1, 3, 7, 8, 15, 16, 17, 31, 64, 100, 1023}) {
            float[] a = new float[n];
            float[] b = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
                b[i] = (float) random.nextGaussian();
            }
            assertThat(VectorKernels.dot(a, b)).as("n=%d", n).isCloseTo(Simd.dotScalar(a, b), within(1e-4f * (n + 1)));
        }
    }

    @Test
    void withoutTheModuleTheScalarFallbackRuns() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        var process = new ProcessBuilder(java, "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), SimdProbe.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("Vector API off (scalar fallback) 32.0");
    }

    /** Runs in a JVM started without jdk.incubator.vector. */
    public static final class SimdProbe {
        public static void main(String[] args) {
            System.out.println(Simd.describe() + " " + Simd.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6}));
        }
    }
}
