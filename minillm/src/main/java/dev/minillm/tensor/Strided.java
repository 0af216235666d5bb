package dev.minillm.tensor;

/**
 * Copies between a strided layout (a view: element (i, j, ...) at
 * {@code offset + i*strides[0] + j*strides[1] + ...}) and a dense row-major array.
 *
 * <p>Both see the tensor as a stack of matrices: an odometer walks the leading axes, and each
 * matrix (the last two axes) is copied with the loop order that reads memory in sequence. A
 * plain view has column stride 1, so each row is one contiguous copy; a transposed view has row
 * stride 1, and is copied in tiles of {@value #TILE} columns, so that the cache lines a tile
 * touches are used up before they are evicted.
 */
final class Strided {

    /** Columns per tile when copying a transposed matrix: 16 floats fill one 64-byte cache line. */
    static final int TILE = 16;

    private Strided() {}

    /** {@code dense[i] = source[position of element i]}: materialises a view. */
    static void gather(float[] source, int offset, int[] shape, int[] strides, float[] dense) {
        var walk = new Walk(shape, strides, offset);
        int rows = walk.rows, cols = walk.cols, rs = walk.rowStride, cs = walk.colStride;
        for (int m = 0, d = 0; m < walk.count; m++, d += rows * cols) {
            int base = walk.base;
            if (cs == 1) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(source, base + r * rs, dense, d + r * cols, cols);
                }
            } else if (rs == 1) { // a transposed matrix: tiles of columns
                for (int from = 0; from < cols; from += TILE) {
                    int to = Math.min(cols, from + TILE);
                    for (int r = 0; r < rows; r++) {
                        for (int c = from; c < to; c++) {
                            dense[d + r * cols + c] = source[base + r + c * cs];
                        }
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        dense[d + r * cols + c] = source[base + r * rs + c * cs];
                    }
                }
            }
            walk.next();
        }
    }

    /**
     * {@code target[position of element i] += dense[i]}: the gradient of a view flowing back to
     * what it views. Where a stride is 0 (a broadcast axis) many elements land on one position and
     * are summed, which is exactly the gradient of broadcasting.
     */
    static void scatterAdd(float[] dense, float[] target, int offset, int[] shape, int[] strides) {
        var walk = new Walk(shape, strides, offset);
        int rows = walk.rows, cols = walk.cols, rs = walk.rowStride, cs = walk.colStride;
        for (int m = 0, d = 0; m < walk.count; m++, d += rows * cols) {
            int base = walk.base;
            if (cs == 1) {
                for (int r = 0; r < rows; r++) {
                    int t = base + r * rs, s = d + r * cols;
                    for (int c = 0; c < cols; c++) {
                        target[t + c] += dense[s + c];
                    }
                }
            } else if (cs == 0) { // broadcast along the last axis: sum each row
                for (int r = 0; r < rows; r++) {
                    float sum = 0f;
                    for (int c = 0; c < cols; c++) {
                        sum += dense[d + r * cols + c];
                    }
                    target[base + r * rs] += sum;
                }
            } else if (rs == 1) { // a transposed matrix: tiles of columns
                for (int from = 0; from < cols; from += TILE) {
                    int to = Math.min(cols, from + TILE);
                    for (int r = 0; r < rows; r++) {
                        for (int c = from; c < to; c++) {
                            target[base + r + c * cs] += dense[d + r * cols + c];
                        }
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        target[base + r * rs + c * cs] += dense[d + r * cols + c];
                    }
                }
            }
            walk.next();
        }
    }

    /**
     * The stack-of-matrices view of a strided tensor: {@code count} matrices of rows × cols, and
     * an odometer over the leading axes giving where the current matrix starts ({@code base}).
     * A 1-D tensor is one 1×n matrix, a scalar one 1×1 matrix.
     */
    private static final class Walk {
        final int rows, cols, rowStride, colStride, count;
        final int[] outerShape, outerStrides, index;
        int base;

        Walk(int[] shape, int[] strides, int offset) {
            int rank = shape.length;
            rows = rank >= 2 ? shape[rank - 2] : 1;
            cols = rank >= 1 ? shape[rank - 1] : 1;
            // a size-1 axis never moves, so its stride is free: choose the one that takes the fast path
            rowStride = rank < 2 || rows == 1 ? 0 : strides[rank - 2];
            colStride = rank < 1 || cols == 1 ? 1 : strides[rank - 1];
            int outer = Math.max(rank - 2, 0);
            outerShape = java.util.Arrays.copyOf(shape, outer);
            outerStrides = java.util.Arrays.copyOf(strides, outer);
            index = new int[outer];
            count = Shapes.size(shape) == 0 ? 0 : Shapes.size(outerShape);
            base = offset;
        }

        /** Moves to the next matrix. */
        void next() {
            for (int axis = index.length - 1; axis >= 0; axis--) {
                base += outerStrides[axis];
                if (++index[axis] < outerShape[axis]) {
                    return;
                }
                base -= outerStrides[axis] * outerShape[axis];
                index[axis] = 0;
            }
        }
    }
}
