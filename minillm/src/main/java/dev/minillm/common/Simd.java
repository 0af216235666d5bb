package dev.minillm.common;

/**
 * The switch between SIMD kernels (the JDK Vector API) and their plain scalar references.
 *
 * <p>The Vector API lives in the incubator module {@code jdk.incubator.vector}, which the JVM only
 * loads when started with {@code --add-modules jdk.incubator.vector} (every launcher in this
 * project does). Without it, or with {@code -Dminillm.simd=false}, the scalar code runs instead,
 * and gives the same answers up to float rounding.
 */
public final class Simd {

    /** True when the Vector API module is loaded and not turned off. */
    public static final boolean AVAILABLE =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equals(System.getProperty("minillm.simd"));

    private Simd() {}

    /** The dot product a·b over the first {@code a.length} elements. */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dot: lengths differ, " + a.length + " vs " + b.length);
        }
        // VectorKernels is only loaded when the module exists, so its Vector API imports never fail.
        return AVAILABLE ? VectorKernels.dot(a, b) : dotScalar(a, b);
    }

    /** The readable reference: one multiply-add per element. */
    public static float dotScalar(float[] a, float[] b) {
        float sum = 0f;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** One line for logs and notebooks: which path runs and how wide the vectors are. */
    public static String describe() {
        return AVAILABLE ? "Vector API on, " + VectorKernels.lanes() + " float lanes" : "Vector API off (scalar fallback)";
    }
}
