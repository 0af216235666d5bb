package dev.minillm.attention;

import dev.minillm.common.Simd;

/**
 * The five row operations the fused attention kernel is made of. {@link Scalar} is the plain
 * reference; {@link VectorRowOps} does the same with the Vector API and is only loaded when
 * {@link Simd#AVAILABLE}. Both give the same numbers up to float rounding.
 *
 * <p>Arrays are flat and row-major; a "row" is {@code width} consecutive floats from an offset.
 */
sealed interface RowOps permits RowOps.Scalar, VectorRowOps {

    /** The fastest implementation this JVM can run. */
    static RowOps best() {
        // VectorRowOps is only loaded when the module exists, so its Vector API imports never fail.
        return Simd.AVAILABLE ? VectorRowOps.INSTANCE : Scalar.INSTANCE;
    }

    /** The readable reference, whatever the JVM supports. */
    static RowOps scalar() {
        return Scalar.INSTANCE;
    }

    /**
     * Floats per vector: arrays read by these operations should have this many spare floats at the
     * end, so that the last, partial vector of a row can be read whole instead of lane by lane.
     */
    int lanes();

    /**
     * Dot products of one row x with n rows at once, read from their transpose:
     * {@code out[j] = scale · Σ_c x[xOffset + c] · transposed[c·stride + j]} for j &lt; n.
     * {@code transposed} is (width, stride): column j of it is the j-th row being dotted with x.
     */
    void scores(float[] x, int xOffset, int width, float[] transposed, int stride, int n, float scale, float[] out);

    /** In place over s[0..n): s ← e^(s - max) / Σ e^(s - max), the stable softmax. */
    void softmax(float[] s, int n);

    /** In place over d[0..n): d ← scale · p ⊙ (d - Σ p·d), the gradient of the scaled scores from that of the weights. */
    void softmaxBackward(float[] p, float[] d, int n, float scale);

    /** out[outOffset..+width) += Σ_{j&lt;n} w[j] · rows[rowsOffset + j·width ..+width): a weighted sum of n rows. */
    void accumulate(float[] w, int n, float[] rows, int rowsOffset, int width, float[] out, int outOffset);

    /** y[yOffset..+width) += a · x[xOffset..+width). */
    void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int width);

    /** One multiply-add at a time, with the softmax of the tensor engine (double sum, one division). */
    final class Scalar implements RowOps {

        static final Scalar INSTANCE = new Scalar();

        private Scalar() {}

        @Override
        public int lanes() {
            return 1;
        }

        @Override
        public void scores(float[] x, int xOffset, int width, float[] transposed, int stride, int n, float scale,
                           float[] out) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int c = 0; c < width; c++) {
                    sum += x[xOffset + c] * transposed[c * stride + j];
                }
                out[j] = sum * scale;
            }
        }

        @Override
        public void softmax(float[] s, int n) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                s[j] = (float) Math.exp(s[j] - max);
                sum += s[j];
            }
            float inverse = (float) (1 / sum);
            for (int j = 0; j < n; j++) {
                s[j] *= inverse;
            }
        }

        @Override
        public void softmaxBackward(float[] p, float[] d, int n, float scale) {
            double dot = 0;
            for (int j = 0; j < n; j++) {
                dot += p[j] * d[j];
            }
            float mean = (float) dot; // Σ p·d: the average of d under the weights
            for (int j = 0; j < n; j++) {
                d[j] = scale * p[j] * (d[j] - mean);
            }
        }

        @Override
        public void accumulate(float[] w, int n, float[] rows, int rowsOffset, int width, float[] out, int outOffset) {
            for (int j = 0; j < n; j++) {
                axpy(w[j], rows, rowsOffset + j * width, out, outOffset, width);
            }
        }

        @Override
        public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int width) {
            for (int c = 0; c < width; c++) {
                y[yOffset + c] += a * x[xOffset + c];
            }
        }
    }
}
