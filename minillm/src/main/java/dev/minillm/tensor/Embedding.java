package dev.minillm.tensor;

import java.util.random.RandomGenerator;

/**
 * A lookup table of vectors, one row per token id: embedding (嵌入) id i is row i of the weight.
 * Looking up is {@link Tensor#indexSelect}, so the gradient reaches only the rows that were used.
 */
public final class Embedding extends Layer {

    private final int count, dim;
    private final Tensor weight; // (count, dim)

    /** {@code count} vectors of size {@code dim}, initialised N(0, 1) as in PyTorch. */
    public Embedding(int count, int dim, RandomGenerator random) {
        if (count < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got count=" + count + ", dim=" + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = parameter("weight", Tensor.randn(random, count, dim));
    }

    /** One sequence of ids (T) → vectors (T, dim). */
    public Tensor forward(int... ids) {
        return weight.indexSelect(0, ids);
    }

    /** A batch of equally long sequences (B, T) → (B, T, dim). */
    public Tensor forward(int[][] ids) {
        int batch = ids.length, time = batch == 0 ? 0 : ids[0].length;
        int[] flat = new int[batch * time];
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != time) {
                throw new IllegalArgumentException("Embedding: sequence " + b + " has " + ids[b].length
                        + " ids, sequence 0 has " + time + "; pad them to one length");
            }
            System.arraycopy(ids[b], 0, flat, b * time, time);
        }
        return weight.indexSelect(0, flat).reshape(batch, time, dim); // (B*T, dim) -> (B, T, dim)
    }

    /** The table, shape (count, dim). */
    public Tensor weight() {
        return weight;
    }

    @Override
    protected String describe() {
        return "count=" + count + ", dim=" + dim;
    }
}
