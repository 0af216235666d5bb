package dev.minillm.tensor;

import java.util.Arrays;

/** Arithmetic on shapes: sizes, row-major strides, axes and the broadcasting rule. */
final class Shapes {

    private Shapes() {}

    /** The number of elements: the product of the dimensions (1 for a scalar, shape []). */
    static int size(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + str(shape) + " has a negative dimension");
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more elements than a Java array can hold");
            }
        }
        return (int) size;
    }

    /** Row-major strides: the last axis moves by 1, each axis before it by the size of everything after. */
    static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            strides[axis] = stride;
            stride *= Math.max(shape[axis], 1);
        }
        return strides;
    }

    /** True when a tensor with these strides walks its elements in row-major order without gaps. */
    static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] != 1 && strides[axis] != expected) { // a size-1 axis never moves, any stride is fine
                return false;
            }
            expected *= shape[axis];
        }
        return true;
    }

    /** A shape as text, {@code [2, 3]}. */
    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The axis counted from the front: -1 is the last axis. Throws naming the op when out of range. */
    static int axis(String op, int axis, int rank) {
        int normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank
                    + " (use 0.." + (rank - 1) + ", or -1 for the last axis)");
        }
        return normalized;
    }

    /** The product of {@code shape[from .. to-1]}. */
    static int product(int[] shape, int from, int to) {
        int product = 1;
        for (int axis = from; axis < to; axis++) {
            product *= shape[axis];
        }
        return product;
    }

    /** The shape with {@code axis} removed. */
    static int[] without(int[] shape, int axis) {
        int[] result = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                result[j++] = shape[i];
            }
        }
        return result;
    }

    /**
     * Broadcasting (as in NumPy and PyTorch): align the shapes at their last axis; two dimensions
     * fit when they are equal or one of them is 1, and a missing dimension counts as 1. The result
     * takes the larger dimension on every axis. {@code [4, 1, 3]} and {@code [5, 3]} give {@code [4, 5, 3]}.
     */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] result = new int[rank];
        for (int i = 1; i <= rank; i++) { // i-th axis from the end
            int da = i <= a.length ? a[a.length - i] : 1;
            int db = i <= b.length ? b[b.length - i] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (axis " + -i + ": " + da + " vs " + db
                        + "; dimensions must be equal or 1)");
            }
            result[rank - i] = da == 1 ? db : da;
        }
        return result;
    }

    /**
     * Strides that read a tensor of {@code shape} (row-major) as if it had the larger shape
     * {@code target}: stride 0 on every axis it is broadcast along, so one element is read many times.
     */
    static int[] broadcastStrides(int[] shape, int[] target) {
        int[] own = contiguousStrides(shape);
        int[] strides = new int[target.length];
        int shift = target.length - shape.length;
        for (int axis = 0; axis < target.length; axis++) {
            int source = axis - shift;
            strides[axis] = source < 0 || shape[source] == 1 ? 0 : own[source];
        }
        return strides;
    }
}
