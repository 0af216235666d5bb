package dev.minillm.tensor;

import java.util.Arrays;

/**
 * The matmul op on tensors: batching, broadcasting and the gradient, on top of the
 * {@link Matmul} kernels, which multiply single row-major matrices.
 *
 * <p>For Y = A·B with A (m×k), B (k×n) and upstream gradient G = dL/dY (m×n):
 * <pre>
 *   dL/dA = G·Bᵀ   (m×n · n×k = m×k)
 *   dL/dB = Aᵀ·G   (k×m · m×n = k×n)
 * </pre>
 * The kernels take a transposed operand in place ({@code multiplyTransposedA/B}), so neither the
 * backward pass nor a forward pass with a transposed view ({@code x.matmul(w.transpose())}, or
 * attention's q·kᵀ) copies a matrix.
 */
final class MatrixMultiply {

    private MatrixMultiply() {}

    /** A matrix operand: the row-major array it is read from, and whether that array holds its transpose. */
    private record Operand(float[] data, boolean transposed) {
        /**
         * Reads {@code t} in place when it is dense, or a transpose of a dense tensor. Any other
         * view is copied, in whichever of the two layouts reads its memory in order.
         */
        static Operand of(Tensor t) {
            if (t.isDense()) {
                return new Operand(t.data, false);
            }
            if (isDenseTransposed(t)) {
                return new Operand(t.data, true);
            }
            int r = t.rank();
            if (t.strides[r - 2] == 1 && t.strides[r - 1] != 1) { // columns are contiguous: copy the transpose
                int[] shape = t.shape.clone(), strides = t.strides.clone();
                swapLastTwo(shape);
                swapLastTwo(strides);
                return new Operand(t.view(t.offset, shape, strides).toArray(), true);
            }
            return new Operand(t.toArray(), false);
        }

        /** True when swapping the last two axes of {@code t} gives a dense tensor (t = dense.transpose()). */
        private static boolean isDenseTransposed(Tensor t) {
            int r = t.rank();
            if (t.offset != 0 || t.data.length != t.size()) {
                return false;
            }
            int[] shape = t.shape.clone(), strides = t.strides.clone();
            swapLastTwo(shape);
            swapLastTwo(strides);
            return Shapes.isContiguous(shape, strides) && r >= 2;
        }

        private static void swapLastTwo(int[] values) {
            int r = values.length;
            if (r >= 2) {
                int last = values[r - 1];
                values[r - 1] = values[r - 2];
                values[r - 2] = last;
            }
        }
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + ": both operands need at least 2 axes (use unsqueeze(0) to make a vector a 1×n matrix)");
        }
        int m = a.shape[a.rank() - 2], k = a.shape[a.rank() - 1], n = b.shape[b.rank() - 1];
        if (b.shape[b.rank() - 2] != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " do not fit: the inner dimensions " + k + " and " + b.shape[b.rank() - 2]
                    + " differ (for x·Wᵀ write x.matmul(w.transpose()))");
        }
        int[] batchA = Arrays.copyOf(a.shape, a.rank() - 2), batchB = Arrays.copyOf(b.shape, b.rank() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;

        Operand x = Operand.of(a), w = Operand.of(b);
        if (x.transposed && w.transposed) { // no kernel reads both transposed: copy one
            w = new Operand(b.toArray(), false);
        }
        Operand left = x, right = w;
        int count, rows;                     // kernel calls, and rows of A per call
        int[] offsetsA, offsetsB;            // where each call's matrices start
        boolean sharedA, sharedB;            // whether calls reuse a matrix (broadcast batch axes)
        if (batchB.length == 0 && !left.transposed) {
            // (..., m, k)·(k, n): the batch axes of a are just more rows, one kernel call for all
            count = 1;
            rows = Shapes.size(batch) * m;
            offsetsA = offsetsB = new int[] {0};
            sharedA = sharedB = false;
        } else {
            count = Shapes.size(batch);
            rows = m;
            offsetsA = batchOffsets(batchA, batch, m * k);
            offsetsB = batchOffsets(batchB, batch, k * n);
            sharedA = !Arrays.equals(batchA, batch);
            sharedB = !Arrays.equals(batchB, batch);
        }
        float[] y = new float[Shapes.size(shape)];
        for (int i = 0; i < count; i++) {
            multiply(left, offsetsA[i], right, offsetsB[i], y, i * rows * n, rows, k, n);
        }
        return Autograd.record("matmul", Tensor.of(y, shape), g -> {
            if (a.requiresGrad) {
                // a new gradient buffer is all zeros, so the kernels may overwrite it directly, unless
                // two calls write the same matrix; otherwise they write to scratch, which is added
                boolean direct = a.grad == null && !sharedA;
                float[] ga = a.gradBuffer(), scratch = direct ? null : new float[rows * k];
                for (int i = 0; i < count; i++) {
                    if (direct) {
                        gradientOfLeft(g, i * rows * n, right, offsetsB[i], ga, offsetsA[i], rows, k, n);
                    } else {
                        gradientOfLeft(g, i * rows * n, right, offsetsB[i], scratch, 0, rows, k, n);
                        addInto(ga, offsetsA[i], scratch, rows * k);
                    }
                }
            }
            if (b.requiresGrad) {
                boolean direct = b.grad == null && !sharedB;
                float[] gb = b.gradBuffer(), scratch = direct ? null : new float[k * n];
                for (int i = 0; i < count; i++) {
                    if (direct) {
                        gradientOfRight(left, offsetsA[i], g, i * rows * n, gb, offsetsB[i], rows, k, n);
                    } else {
                        gradientOfRight(left, offsetsA[i], g, i * rows * n, scratch, 0, rows, k, n);
                        addInto(gb, offsetsB[i], scratch, k * n);
                    }
                }
            }
        }, a, b);
    }

    /** Y = A·B for one batch entry: the kernel that reads each operand in the layout it is stored in. */
    private static void multiply(Operand a, int aOffset, Operand b, int bOffset, float[] y, int yOffset, int m, int k, int n) {
        if (a.transposed) { // A stored k×m
            Matmul.multiplyTransposedA(a.data, aOffset, b.data, bOffset, y, yOffset, m, k, n);
        } else if (b.transposed) { // B stored n×k
            Matmul.multiplyTransposedB(a.data, aOffset, b.data, bOffset, y, yOffset, m, k, n);
        } else {
            Matmul.multiply(a.data, aOffset, b.data, bOffset, y, yOffset, m, k, n);
        }
    }

    /** dA (m×k) = G (m×n) · Bᵀ; when B is stored transposed, Bᵀ is stored row-major. */
    private static void gradientOfLeft(float[] g, int gOffset, Operand b, int bOffset, float[] ga, int gaOffset,
                                       int m, int k, int n) {
        if (b.transposed) {
            Matmul.multiply(g, gOffset, b.data, bOffset, ga, gaOffset, m, n, k);
        } else {
            Matmul.multiplyTransposedB(g, gOffset, b.data, bOffset, ga, gaOffset, m, n, k);
        }
    }

    /** dB (k×n) = Aᵀ (k×m) · G (m×n); when A is stored transposed, Aᵀ is stored row-major. */
    private static void gradientOfRight(Operand a, int aOffset, float[] g, int gOffset, float[] gb, int gbOffset,
                                        int m, int k, int n) {
        if (a.transposed) {
            Matmul.multiply(a.data, aOffset, g, gOffset, gb, gbOffset, k, m, n);
        } else {
            Matmul.multiplyTransposedA(a.data, aOffset, g, gOffset, gb, gbOffset, k, m, n);
        }
    }

    private static void addInto(float[] target, int offset, float[] values, int length) {
        for (int i = 0; i < length; i++) {
            target[offset + i] += values[i];
        }
    }

    /**
     * Where each matrix of the broadcast batch starts in an operand with batch shape {@code own}:
     * an operand broadcast along a batch axis (size 1 or missing) reuses the same matrix.
     */
    private static int[] batchOffsets(int[] own, int[] batch, int matrixSize) {
        int[] strides = Shapes.broadcastStrides(own, batch);
        int[] offsets = new int[Shapes.size(batch)];
        int[] index = new int[batch.length];
        for (int i = 0; i < offsets.length; i++) {
            int offset = 0;
            for (int axis = 0; axis < batch.length; axis++) {
                offset += index[axis] * strides[axis];
            }
            offsets[i] = offset * matrixSize;
            for (int axis = batch.length - 1; axis >= 0 && ++index[axis] == batch[axis]; axis--) {
                index[axis] = 0;
            }
        }
        return offsets;
    }
}
