package dev.minillm.tensor;

import dev.minillm.common.Simd;
import dev.minillm.tensor.Matmul.Kernel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatmulTest {

    /** Sizes that are not multiples of any vector width or tile, plus a few that are. */
    private static final int[] SIZES = {1, 3, 7, 16, 17, 31, 33, 65, 100};

    /** The three layouts: C = A·B, A·Bᵀ, Aᵀ·B. */
    enum Layout { NN, NT, TN }

    @Test
    void naiveComputesTheDefinitionOnASmallExample() {
        float[] a = {1, 2, 3, 4, 5, 6};        // 2×3
        float[] b = {7, 8, 9, 10, 11, 12};     // 3×2
        float[] c = new float[4];
        Matmul.multiply(Kernel.NAIVE, a, 0, b, 0, c, 0, 2, 3, 2);
        assertThat(c).containsExactly(58, 64, 139, 154);
    }

    @Test
    void transposedLayoutsReadTheSameNumbersWithSwappedStrides() {
        float[] a = {1, 2, 3, 4, 5, 6};        // A 2×3
        float[] aT = {1, 4, 2, 5, 3, 6};       // the same A stored 3×2
        float[] b = {7, 8, 9, 10, 11, 12};     // B 3×2
        float[] bT = {7, 9, 11, 8, 10, 12};    // the same B stored 2×3
        for (Kernel kernel : Kernel.values()) {
            float[] c = new float[4];
            Matmul.multiplyTransposedB(kernel, a, 0, bT, 0, c, 0, 2, 3, 2);
            assertThat(c).as("%s A·Bᵀ", kernel).containsExactly(58, 64, 139, 154);
            Matmul.multiplyTransposedA(kernel, aT, 0, b, 0, c, 0, 2, 3, 2);
            assertThat(c).as("%s Aᵀ·B", kernel).containsExactly(58, 64, 139, 154);
        }
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everyKernelMatchesNaiveOnOddShapesInEveryLayout(Kernel kernel) {
        var random = new SplittableRandom(3);
        for (Layout layout : Layout.values()) {
            for (int m : SIZES) {
                for (int k : SIZES) {
                    for (int n : SIZES) {
                        checkAgainstNaive(kernel, layout, m, k, n, random.nextInt(5), random);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kernel.class)
    void everyKernelMatchesNaiveAcrossCacheBlocks(Kernel kernel) {
        // Larger than one packed block in every direction (KC = 256, MC = 72, NC ≥ 512 columns).
        var random = new SplittableRandom(4);
        for (Layout layout : Layout.values()) {
            checkAgainstNaive(kernel, layout, 150, 300, 37, 3, random);
            checkAgainstNaive(kernel, layout, 5, 513, 600, 1, random);
            checkAgainstNaive(kernel, layout, 257, 70, 129, 0, random);
            checkAgainstNaive(kernel, layout, 1, 600, 500, 2, random);  // a vector times a matrix
            checkAgainstNaive(kernel, layout, 3, 257, 1100, 1, random);
        }
    }

    @Property(tries = 60)
    void anyShapeAnyKernelAnyLayoutMatchesNaive(@ForAll @IntRange(min = 0, max = 80) int m,
                                                @ForAll @IntRange(min = 0, max = 80) int k,
                                                @ForAll @IntRange(min = 0, max = 80) int n,
                                                @ForAll @IntRange(min = 0, max = 9) int offset,
                                                @ForAll Kernel kernel, @ForAll Layout layout,
                                                @ForAll long seed) {
        checkAgainstNaive(kernel, layout, m, k, n, offset, new SplittableRandom(seed));
    }

    @Test
    void theDefaultMethodsMatchNaiveOnSmallAndLargeSizes() {
        var random = new SplittableRandom(5);
        for (int size : new int[] {1, 9, 64, 200}) {
            for (Layout layout : Layout.values()) {
                checkAgainstNaive(null, layout, size, size + 1, size + 2, 2, random);
            }
        }
    }

    @Test
    void parallelGivesBitForBitTheSameAnswerAsSimdEveryTime() {
        var random = new SplittableRandom(6);
        int m = 301, k = 517, n = 203;
        float[] a = randomArray(m * k, random);
        float[] b = randomArray(k * n, random);
        float[] simd = new float[m * n];
        Matmul.multiply(Kernel.SIMD, a, 0, b, 0, simd, 0, m, k, n);
        for (int run = 0; run < 5; run++) {
            float[] parallel = new float[m * n];
            Matmul.multiply(Kernel.PARALLEL, a, 0, b, 0, parallel, 0, m, k, n);
            assertThat(parallel).as("run %d", run).containsExactly(simd);
        }
    }

    @Test
    void concurrentCallersGetCorrectAnswers() throws Exception {
        // Only one caller at a time gets the pool; the others compute alone. Both must be exact.
        var random = new SplittableRandom(9);
        int m = 120, k = 200, n = 90;
        float[] a = randomArray(m * k, random);
        float[] b = randomArray(k * n, random);
        float[] expected = new float[m * n];
        Matmul.multiply(Kernel.SIMD, a, 0, b, 0, expected, 0, m, k, n);
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<Throwable>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    for (int run = 0; run < 20; run++) {
                        float[] c = new float[m * n];
                        Matmul.multiply(Kernel.PARALLEL, a, 0, b, 0, c, 0, m, k, n);
                        assertThat(c).containsExactly(expected);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aFailureInsideThePoolReachesTheCallerAndThePoolKeepsWorking() {
        assertThatThrownBy(() -> WorkerPool.run(6, part -> {
            if (part == 4) {
                throw new IllegalStateException("part 4 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part 4 failed");
        int[] ran = new int[6];
        WorkerPool.run(6, part -> ran[part]++);
        assertThat(ran).containsOnly(1);
    }

    @Test
    void cIsOverwrittenAndNothingOutsideItIsTouched() {
        var random = new SplittableRandom(7);
        int m = 13, k = 9, n = 35, offset = 5;
        float[] a = randomArray(m * k, random);
        float[] b = randomArray(k * n, random);
        for (Kernel kernel : Kernel.values()) {
            float[] c = new float[offset + m * n + 7];
            Arrays.fill(c, Float.NaN); // stale values must not leak into the result
            Matmul.multiply(kernel, a, 0, b, 0, c, offset, m, k, n);
            float[] expected = new float[m * n];
            Matmul.multiply(Kernel.NAIVE, a, 0, b, 0, expected, 0, m, k, n);
            assertThat(Arrays.copyOfRange(c, 0, offset)).as("%s before C", kernel).containsOnly(Float.NaN);
            assertThat(Arrays.copyOfRange(c, offset + m * n, c.length)).as("%s after C", kernel).containsOnly(Float.NaN);
            assertClose(Arrays.copyOfRange(c, offset, offset + m * n), expected, k, kernel + " " + m + "×" + k + "×" + n);
        }
    }

    @Test
    void anEmptySumIsZero() {
        float[] c = {9, 9, 9, 9};
        Matmul.multiply(new float[0], 0, new float[0], 0, c, 0, 2, 0, 2);
        assertThat(c).containsOnly(0f);
    }

    @Test
    void badShapesAreRejectedWithAMessageNamingTheOperand() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        assertThatThrownBy(() -> Matmul.multiply(a, 0, b, 1, c, 0, 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B (3×2)").hasMessageContaining("offset 1");
        assertThatThrownBy(() -> Matmul.multiply(a, 0, b, 0, c, 0, 2, -3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Matmul.multiplyTransposedA(a, 0, b, 0, new float[3], 0, 2, 3, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C (2×2)");
    }

    @Test
    void withoutTheVectorModuleEveryKernelStillWorks() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        var process = new ProcessBuilder(java, "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), MatmulProbe.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("false ok");
    }

    /** Runs in a JVM started without jdk.incubator.vector. */
    public static final class MatmulProbe {
        public static void main(String[] args) {
            var random = new SplittableRandom(8);
            int m = 70, k = 90, n = 110;
            float[] a = randomArray(m * k, random), b = randomArray(k * n, random);
            float[] expected = new float[m * n];
            Matmul.multiply(Kernel.NAIVE, a, 0, b, 0, expected, 0, m, k, n);
            for (Kernel kernel : Kernel.values()) {
                float[] c = new float[m * n];
                Matmul.multiply(kernel, a, 0, b, 0, c, 0, m, k, n);
                assertClose(c, expected, k, kernel.toString());
            }
            System.out.println(Simd.AVAILABLE + " ok");
        }
    }

    /** Runs one kernel (the default choice when null) and NAIVE on the same random operands, with offsets. */
    private static void checkAgainstNaive(Kernel kernel, Layout layout, int m, int k, int n, int offset,
                                          SplittableRandom random) {
        float[] a = randomArray(offset + m * k, random);
        float[] b = randomArray(offset + 1 + k * n, random);
        float[] expected = new float[m * n + 2];
        float[] actual = new float[m * n + 2];
        multiply(Kernel.NAIVE, layout, a, offset, b, offset + 1, expected, 2, m, k, n);
        multiply(kernel, layout, a, offset, b, offset + 1, actual, 2, m, k, n);
        assertClose(actual, expected, k, kernel + " " + layout + " " + m + "×" + k + "×" + n);
    }

    private static void multiply(Kernel kernel, Layout layout, float[] a, int aOff, float[] b, int bOff,
                                 float[] c, int cOff, int m, int k, int n) {
        switch (layout) {
            case NN -> {
                if (kernel == null) Matmul.multiply(a, aOff, b, bOff, c, cOff, m, k, n);
                else Matmul.multiply(kernel, a, aOff, b, bOff, c, cOff, m, k, n);
            }
            case NT -> {
                if (kernel == null) Matmul.multiplyTransposedB(a, aOff, b, bOff, c, cOff, m, k, n);
                else Matmul.multiplyTransposedB(kernel, a, aOff, b, bOff, c, cOff, m, k, n);
            }
            case TN -> {
                if (kernel == null) Matmul.multiplyTransposedA(a, aOff, b, bOff, c, cOff, m, k, n);
                else Matmul.multiplyTransposedA(kernel, a, aOff, b, bOff, c, cOff, m, k, n);
            }
        }
    }

    /** Sums of k products of numbers near 1 differ by rounding: allow a few ulps of the sum's size. */
    static void assertClose(float[] actual, float[] expected, int k, String what) {
        float tolerance = 1e-5f * (k + 1) + 1e-6f;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance * Math.max(1f, Math.abs(expected[i])))) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    static float[] randomArray(int length, SplittableRandom random) {
        float[] array = new float[length];
        for (int i = 0; i < length; i++) {
            array[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return array;
    }
}
