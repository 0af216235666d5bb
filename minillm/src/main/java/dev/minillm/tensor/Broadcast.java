package dev.minillm.tensor;

import java.util.Arrays;

/**
 * Broadcasting for the ops with two inputs. Forward: read each input as if it had the output's
 * shape. Backward: an input that was repeated along an axis receives the sum of the gradients of
 * all its copies, so the output-shaped gradient is summed back down to the input's shape.
 */
final class Broadcast {

    private Broadcast() {}

    /** The elements of {@code t} read as a row-major array of the larger {@code shape}. */
    static float[] values(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape, shape)) {
            return t.dense();
        }
        float[] source = t.dense();
        if (source.length == 1) { // a scalar: the most common broadcast, no odometer needed
            float[] filled = new float[Shapes.size(shape)];
            Arrays.fill(filled, source[0]);
            return filled;
        }
        float[] result = new float[Shapes.size(shape)];
        Strided.gather(source, 0, shape, Shapes.broadcastStrides(t.shape, shape), result);
        return result;
    }

    /**
     * Where an op's backward should add {@code t}'s gradient computed at the output's {@code shape}:
     * {@code t}'s own gradient buffer when no broadcasting happened, else a scratch array that
     * {@link #finish} then sums down.
     */
    static float[] gradient(Tensor t, int[] shape) {
        return Arrays.equals(t.shape, shape) ? t.gradBuffer() : new float[Shapes.size(shape)];
    }

    /** Sums a scratch gradient from {@link #gradient} over the broadcast axes into {@code t}'s gradient. */
    static void finish(Tensor t, int[] shape, float[] gradient) {
        if (!Arrays.equals(t.shape, shape)) {
            Strided.scatterAdd(gradient, t.gradBuffer(), 0, shape, Shapes.broadcastStrides(t.shape, shape));
        }
    }
}
