package dev.minillm.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A tensor (张量): an n-dimensional array of float32 numbers that remembers how it was computed,
 * so that gradients can flow back through it.
 *
 * <p><b>Storage and views.</b> The numbers live in a flat {@code float[]}. The element at index
 * (i, j, k) of a tensor is {@code data[offset + i*strides[0] + j*strides[1] + k*strides[2]]}. A new
 * tensor has row-major strides (shape [2, 3] → strides [3, 1]). A <i>view</i> shares the array and
 * only changes shape, strides and offset: {@link #transpose} swaps two strides, {@link #slice} moves
 * the offset, {@link #expand} uses stride 0 to repeat an element. Views copy nothing; ops that
 * need the numbers in order copy a view first ({@link #contiguous}).
 *
 * <p><b>Autograd.</b> Mark the inputs you want gradients for with {@link #requiresGrad(boolean)},
 * compute, then call {@link #backward()} on the (scalar) loss; each marked leaf's {@link #grad()}
 * then holds dLoss/dLeaf. See {@link Autograd}.
 *
 * <pre>{@code
 * var w = Tensor.randn(42, 3, 2).requiresGrad(true);   // (3, 2)
 * var x = Tensor.matrix(new float[][] {{1, 2, 3}});     // (1, 3)
 * var loss = x.matmul(w).tanh().sum();                 // (1, 2) -> scalar
 * loss.backward();
 * w.grad();                                            // (3, 2): dLoss/dw
 * }</pre>
 *
 * <p>Ops never change their inputs: each returns a new tensor (or a view). Every op checks shapes
 * and names itself and both shapes when they do not fit.
 */
public final class Tensor {

    // ---------------------------------------------------------------- storage: where the numbers are

    final float[] data;
    final int offset;
    final int[] shape;
    final int[] strides;

    // ---------------------------------------------------------------- autograd: how they were computed

    /** Whether gradients flow to this tensor: set by hand on leaves, inherited by op outputs. */
    boolean requiresGrad;
    /** dLoss/dThis, row-major like the tensor's elements; null until backward reaches it. */
    float[] grad;
    /** The op that produced this tensor, or null for a leaf (data, parameters). */
    Autograd.Node node;
    /** Keep {@link #grad} after backward even though this is not a leaf. */
    boolean retainGrad;
    /** A label for printing and graph drawings ("fc1.weight"); may be null. */
    String name;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** A view of the same numbers with another shape, strides and offset (no gradient link; ops add that). */
    Tensor view(int offset, int[] shape, int[] strides) {
        return new Tensor(data, offset, shape, strides);
    }

    // ---------------------------------------------------------------- creation

    /**
     * A tensor of the given shape over {@code values}, which are not copied: later writes to the
     * array show in the tensor. The shape must hold exactly {@code values.length} elements; an
     * empty shape is a scalar. {@code Tensor.of(values, 2, 3)} is a 2×3 matrix.
     *
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length} elements
     */
    public static Tensor of(float[] values, int... shape) {
        int size = Shapes.size(shape);
        if (size != values.length) {
            throw new IllegalArgumentException("Tensor.of: shape " + Shapes.str(shape) + " holds " + size
                    + " elements but " + values.length + " values were given"
                    + (shape.length == 0 ? " (for a 1-D tensor give its length: Tensor.of(values, values.length))" : ""));
        }
        return new Tensor(values, 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    /** A 1-D tensor of the given numbers (copied). */
    public static Tensor vector(float... values) {
        return of(values.clone(), values.length);
    }

    /** A 2-D tensor from rows of equal length (copied). */
    public static Tensor matrix(float[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        float[] values = new float[rows.length * columns];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != columns) {
                throw new IllegalArgumentException("Tensor.matrix: row " + i + " has " + rows[i].length
                        + " numbers, row 0 has " + columns);
            }
            System.arraycopy(rows[i], 0, values, i * columns, columns);
        }
        return of(values, rows.length, columns);
    }

    /** A tensor of rank 0 (shape []) holding one number, like a loss. */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return of(new float[Shapes.size(shape)], shape);
    }

    /** A tensor of ones. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor with every element equal to {@code value}. */
    public static Tensor full(float value, int... shape) {
        float[] values = new float[Shapes.size(shape)];
        Arrays.fill(values, value);
        return of(values, shape);
    }

    /** 0, 1, ..., n-1 as a 1-D tensor. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** start, start+step, ... while below {@code end} (above it for a negative step). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || !Float.isFinite(step)) {
            throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
        }
        int n = Math.max(0, (int) Math.ceil((end - start) / step));
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + i * step;
        }
        return of(values, n);
    }

    /** Standard normal N(0, 1) numbers from the given generator. */
    public static Tensor randn(RandomGenerator random, int... shape) {
        float[] values = new float[Shapes.size(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return of(values, shape);
    }

    /** Standard normal numbers from {@code new SplittableRandom(seed)}: the same seed gives the same tensor. */
    public static Tensor randn(long seed, int... shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    /** Uniform numbers in [low, high) from the given generator. */
    public static Tensor uniform(RandomGenerator random, float low, float high, int... shape) {
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform: need low < high, got [" + low + ", " + high + ")");
        }
        float[] values = new float[Shapes.size(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = low + (high - low) * random.nextFloat();
        }
        return of(values, shape);
    }

    /** Uniform numbers in [0, 1) from {@code new SplittableRandom(seed)}. */
    public static Tensor rand(long seed, int... shape) {
        return uniform(new SplittableRandom(seed), 0f, 1f, shape);
    }

    /** The n×n lower-triangular matrix of ones (1 on and below the diagonal): a causal mask's complement. */
    public static Tensor tril(int n) {
        float[] values = new float[n * n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(values, i * n, i * n + i + 1, 1f);
        }
        return of(values, n, n);
    }

    // ---------------------------------------------------------------- shape and elements

    /** The dimensions, e.g. [B, T, C] (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** One dimension; {@code shape(-1)} is the last. */
    public int shape(int axis) {
        return shape[Shapes.axis("shape", axis, shape.length)];
    }

    /** The number of axes: 0 for a scalar, 2 for a matrix. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int size() {
        return Shapes.size(shape);
    }

    /** How far apart neighbours along each axis are in the storage array (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Where element (0, 0, ...) sits in the storage array. */
    public int offset() {
        return offset;
    }

    /** True when the elements lie in row-major order without gaps (a view may not). */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** True when this is a plain row-major array: contiguous, from index 0, the whole storage. */
    boolean isDense() {
        return offset == 0 && data.length == size() && isContiguous();
    }

    /** The element at a multi-index, one index per axis (negative counts from the end). */
    public float get(int... index) {
        return data[position("get", index)];
    }

    /**
     * Overwrites one element, for teaching and tests. Allowed on leaves only: changing the output of
     * an op would silently make its recorded gradient wrong.
     */
    public Tensor set(float value, int... index) {
        if (node != null) {
            throw new IllegalStateException("set: this tensor is the output of op '" + node.op()
                    + "'; changing it would break its gradient. Use detach() or build a new tensor");
        }
        data[position("set", index)] = value;
        return this;
    }

    private int position(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": a tensor of shape " + Shapes.str(shape) + " needs "
                    + shape.length + " indices, got " + index.length);
        }
        int position = offset;
        for (int axis = 0; axis < index.length; axis++) {
            int i = index[axis] < 0 ? index[axis] + shape[axis] : index[axis];
            if (i < 0 || i >= shape[axis]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[axis] + " is out of range for axis "
                        + axis + " of size " + shape[axis] + " (shape " + Shapes.str(shape) + ")");
            }
            position += i * strides[axis];
        }
        return position;
    }

    /** The single number of a one-element tensor (a loss). */
    public float item() {
        if (size() != 1) {
            throw new IllegalStateException("item: the tensor has shape " + Shapes.str(shape) + " (" + size()
                    + " elements); item() needs exactly one");
        }
        return data[offset];
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        float[] values = new float[size()];
        Strided.gather(data, offset, shape, strides, values);
        return values;
    }

    /** A 2-D tensor as rows (a copy). */
    public float[][] toMatrix() {
        if (shape.length != 2) {
            throw new IllegalStateException("toMatrix: needs a 2-D tensor, got shape " + Shapes.str(shape));
        }
        float[] values = toArray();
        float[][] rows = new float[shape[0]][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(values, i * shape[1], (i + 1) * shape[1]);
        }
        return rows;
    }

    /**
     * The storage array itself, for fast code in later chapters: writes show in the tensor, and no
     * gradient is tracked. Only for dense tensors (call {@link #contiguous()} first).
     */
    public float[] data() {
        if (!isDense()) {
            throw new IllegalStateException("data: this tensor is a view (shape " + Shapes.str(shape) + ", strides "
                    + Shapes.str(strides) + ", offset " + offset + "); call contiguous() first");
        }
        return data;
    }

    /** The elements in row-major order: the storage itself when the tensor is dense, else a copy. */
    float[] dense() {
        return isDense() ? data : toArray();
    }

    /** True when both have the same shape and every pair of elements satisfies |a - b| ≤ atol + rtol·|b|. */
    public boolean allClose(Tensor other, float rtol, float atol) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        float[] a = toArray(), b = other.toArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i])) && !(a[i] == b[i])) {
                return false;
            }
        }
        return true;
    }

    /** The label used when printing and drawing graphs, or null. */
    public String name() {
        return name;
    }

    /** Sets the label used when printing and drawing graphs; returns this tensor. */
    public Tensor named(String name) {
        this.name = name;
        return this;
    }

    /** Prints like PyTorch: the numbers (summarised when large), then the op that made the tensor. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }

    // ---------------------------------------------------------------- autograd

    /** Whether gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf (data you made, a parameter) as needing a gradient; returns this tensor. */
    public Tensor requiresGrad(boolean requiresGrad) {
        if (node != null && !requiresGrad) {
            throw new IllegalStateException("requiresGrad(false): this tensor is the output of op '" + node.op()
                    + "'; use detach() to cut it from the graph");
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** True for tensors not computed by a recorded op: data and parameters. */
    public boolean isLeaf() {
        return node == null;
    }

    /** The name of the op that computed this tensor ("matmul", "add", ...), or null for a leaf. */
    public String op() {
        return node == null ? null : node.op();
    }

    /** The tensors this one was computed from (empty for a leaf). */
    public List<Tensor> inputs() {
        return node == null ? List.of() : Arrays.stream(node.inputs()).filter(t -> t != null).toList();
    }

    /** True when backward has left a gradient here. */
    public boolean hasGrad() {
        return grad != null;
    }

    /**
     * dLoss/dThis from the last {@link #backward()} (summed over calls for leaves, until
     * {@link #zeroGrad()}). The returned tensor shares the gradient's storage.
     *
     * @throws IllegalStateException if no gradient has reached this tensor
     */
    public Tensor grad() {
        if (grad == null) {
            throw new IllegalStateException(requiresGrad
                    ? "grad: no gradient yet; call backward() on a loss computed from this tensor"
                    + (node == null ? "" : " (and retainGrad() on it first: it is not a leaf)")
                    : "grad: this tensor does not require a gradient; call requiresGrad(true) before computing with it");
        }
        return of(grad, shape);
    }

    /** Forgets the accumulated gradient (optimizers call this before each step's backward). */
    public void zeroGrad() {
        grad = null;
    }

    /** The gradient buffer, created as zeros when backward first reaches this tensor. */
    float[] gradBuffer() {
        if (grad == null) {
            grad = new float[size()];
        }
        return grad;
    }

    /** Keeps this intermediate tensor's gradient after backward (leaves always keep theirs); returns this tensor. */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    /** Backpropagation from this scalar (a loss): dLoss/dLoss = 1. */
    public void backward() {
        if (size() != 1) {
            throw new IllegalStateException("backward: the tensor has shape " + Shapes.str(shape)
                    + "; backward() needs a scalar loss (reduce with sum() or mean(), or pass a gradient)");
        }
        Autograd.backward(this, new float[] {1f});
    }

    /** Backpropagation with a given dLoss/dThis of this tensor's shape (a vector-Jacobian product). */
    public void backward(Tensor gradient) {
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("backward: the gradient has shape " + Shapes.str(gradient.shape)
                    + " but the tensor has shape " + Shapes.str(shape));
        }
        Autograd.backward(this, gradient.toArray());
    }

    /** The same numbers cut from the graph: no gradient flows through the result. */
    public Tensor detach() {
        return new Tensor(data, offset, shape, strides);
    }

    // ---------------------------------------------------------------- elementwise arithmetic (broadcasting)

    /** this + other, elementwise, broadcasting the shapes. */
    public Tensor add(Tensor other) {
        return Elementwise.add(this, other);
    }

    /** this - other, elementwise, broadcasting the shapes. */
    public Tensor sub(Tensor other) {
        return Elementwise.sub(this, other);
    }

    /** this · other, elementwise, broadcasting the shapes. */
    public Tensor mul(Tensor other) {
        return Elementwise.mul(this, other);
    }

    /** this / other, elementwise, broadcasting the shapes. */
    public Tensor div(Tensor other) {
        return Elementwise.div(this, other);
    }

    /** this + c. */
    public Tensor add(float c) {
        return Elementwise.addScalar(this, c, "add");
    }

    /** this - c. */
    public Tensor sub(float c) {
        return Elementwise.addScalar(this, -c, "sub");
    }

    /** this · c. */
    public Tensor mul(float c) {
        return Elementwise.mulScalar(this, c, "mul");
    }

    /** this / c. */
    public Tensor div(float c) {
        return Elementwise.mulScalar(this, 1f / c, "div");
    }

    /** -this. */
    public Tensor neg() {
        return Elementwise.mulScalar(this, -1f, "neg");
    }

    /** this^p, elementwise (for a non-integer p the elements must be positive). */
    public Tensor pow(float p) {
        return Elementwise.pow(this, p);
    }

    /** e^this, elementwise. */
    public Tensor exp() {
        return Elementwise.exp(this);
    }

    /** The natural logarithm, elementwise. */
    public Tensor log() {
        return Elementwise.log(this);
    }

    /** The square root, elementwise. */
    public Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    /** |this|, elementwise (the gradient at 0 is taken as 0). */
    public Tensor abs() {
        return Elementwise.abs(this);
    }

    // ---------------------------------------------------------------- activations

    /** tanh, elementwise. */
    public Tensor tanh() {
        return Activations.tanh(this);
    }

    /** The logistic sigmoid 1 / (1 + e^-x), elementwise. */
    public Tensor sigmoid() {
        return Activations.sigmoid(this);
    }

    /** max(0, x), elementwise (the gradient at 0 is taken as 0). */
    public Tensor relu() {
        return Activations.relu(this);
    }

    /**
     * GELU in GPT-2's tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), elementwise
     * (PyTorch's {@code gelu(x, approximate="tanh")}).
     */
    public Tensor gelu() {
        return Activations.gelu(this);
    }

    /** SiLU (swish) x·sigmoid(x), elementwise: the activation of SwiGLU in Llama. */
    public Tensor silu() {
        return Activations.silu(this);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, as a scalar. */
    public Tensor sum() {
        return Reductions.sumAll(this, false);
    }

    /** Sums along one axis, which disappears. */
    public Tensor sum(int axis) {
        return sum(axis, false);
    }

    /** Sums along one axis; with {@code keepDim} it stays as size 1, ready to broadcast back. */
    public Tensor sum(int axis, boolean keepDim) {
        return Reductions.sum(this, axis, keepDim, false);
    }

    /** Sums along several axes. */
    public Tensor sum(int[] axes, boolean keepDim) {
        return Reductions.overAxes(this, axes, keepDim, false);
    }

    /** The mean of all elements, as a scalar. */
    public Tensor mean() {
        return Reductions.sumAll(this, true);
    }

    /** The mean along one axis, which disappears. */
    public Tensor mean(int axis) {
        return mean(axis, false);
    }

    /** The mean along one axis; with {@code keepDim} it stays as size 1. */
    public Tensor mean(int axis, boolean keepDim) {
        return Reductions.sum(this, axis, keepDim, true);
    }

    /** The mean along several axes. */
    public Tensor mean(int[] axes, boolean keepDim) {
        return Reductions.overAxes(this, axes, keepDim, true);
    }

    /** The largest element, as a scalar; the gradient goes to the first largest. */
    public Tensor max() {
        return reshape(-1).max(0, false);
    }

    /** The largest value along one axis; the gradient goes to the first largest of each group. */
    public Tensor max(int axis, boolean keepDim) {
        return Reductions.max(this, axis, keepDim);
    }

    /** The unbiased variance along one axis (divides by n - 1, like {@code torch.var}). */
    public Tensor var(int axis, boolean keepDim) {
        return var(axis, keepDim, 1);
    }

    /** The variance along one axis, dividing by n - correction (0: the population variance, as in layer norm). */
    public Tensor var(int axis, boolean keepDim, int correction) {
        return Reductions.var(this, axis, keepDim, correction);
    }

    // ---------------------------------------------------------------- matrix multiplication

    /**
     * The matrix product over the last two axes: (..., m, k) · (..., k, n) → (..., m, n). The
     * leading (batch) axes broadcast, so (B, T, C) · (C, D) → (B, T, D) and
     * (B, H, T, d) · (B, H, d, T) → (B, H, T, T). Transposed views are read in place, not copied.
     */
    public Tensor matmul(Tensor other) {
        return MatrixMultiply.matmul(this, other);
    }

    // ---------------------------------------------------------------- shapes and views

    /**
     * The same elements in another shape; one dimension may be -1 (worked out from the size).
     * A view when the tensor is contiguous, else a copy.
     */
    public Tensor reshape(int... shape) {
        return ShapeOps.reshape(this, shape);
    }

    /** Swaps the last two axes: (..., m, n) → (..., n, m). A view. */
    public Tensor transpose() {
        return transpose(-2, -1);
    }

    /** Swaps two axes. A view. */
    public Tensor transpose(int axis0, int axis1) {
        return ShapeOps.transpose(this, axis0, axis1);
    }

    /** Reorders the axes: {@code permute(0, 2, 1, 3)} turns (B, T, H, d) into (B, H, T, d). A view. */
    public Tensor permute(int... axes) {
        return ShapeOps.permute(this, axes);
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along one axis. A view. */
    public Tensor slice(int axis, int start, int end) {
        return ShapeOps.slice(this, axis, start, end);
    }

    /** The sub-tensor at {@code index} along {@code axis}, which disappears: {@code x.select(0, 2)} is x[2]. A view. */
    public Tensor select(int axis, int index) {
        return ShapeOps.select(this, axis, index);
    }

    /** Inserts an axis of size 1: (T, C) → {@code unsqueeze(0)} → (1, T, C). A view. */
    public Tensor unsqueeze(int axis) {
        return ShapeOps.unsqueeze(this, axis);
    }

    /** Removes an axis of size 1. A view. */
    public Tensor squeeze(int axis) {
        return ShapeOps.squeeze(this, axis);
    }

    /** Repeats size-1 axes (and adds leading ones) to reach {@code shape}, without copying (stride 0). A view. */
    public Tensor expand(int... shape) {
        return ShapeOps.expand(this, shape);
    }

    /** This tensor when its elements are already a plain row-major array, else a copy that is. */
    public Tensor contiguous() {
        return ShapeOps.contiguous(this);
    }

    /** Joins tensors along an axis; all other dimensions must agree. */
    public static Tensor concat(int axis, Tensor... tensors) {
        return ShapeOps.concat(axis, List.of(tensors));
    }

    /** Joins tensors along an axis; all other dimensions must agree. */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        return ShapeOps.concat(axis, tensors);
    }

    /** Cuts along an axis into pieces of the given sizes (views), e.g. the q, k, v of a fused projection. */
    public List<Tensor> split(int axis, int... sizes) {
        return ShapeOps.split(this, axis, sizes);
    }

    /** Cuts along an axis into {@code chunks} equal pieces (views). */
    public List<Tensor> chunk(int chunks, int axis) {
        return ShapeOps.chunk(this, chunks, axis);
    }

    /**
     * Picks entries along an axis by index: {@code table.indexSelect(0, ids)} takes rows of an
     * embedding table, (V, C) → (ids.length, C). Indices may repeat; their gradients add up.
     */
    public Tensor indexSelect(int axis, int... indices) {
        return ShapeOps.indexSelect(this, axis, indices);
    }

    // ---------------------------------------------------------------- neural-network ops

    /** Softmax along the last axis: e^x / Σ e^x, computed stably (the maximum is subtracted first). */
    public Tensor softmax() {
        return softmax(-1);
    }

    /** Softmax along an axis. */
    public Tensor softmax(int axis) {
        return Softmax.softmax(this, axis);
    }

    /** log(softmax(x)) along the last axis, computed without overflow: x - max - log Σ e^(x - max). */
    public Tensor logSoftmax() {
        return logSoftmax(-1);
    }

    /** log-softmax along an axis. */
    public Tensor logSoftmax(int axis) {
        return Softmax.logSoftmax(this, axis);
    }

    /**
     * The mean cross-entropy (交叉熵) of these logits (..., V) against integer targets, one per row:
     * mean of -log softmax(logits)[target]. One fused, numerically stable op.
     */
    public Tensor crossEntropy(int... targets) {
        return Softmax.crossEntropy(this, targets, Integer.MIN_VALUE);
    }

    /**
     * Cross-entropy where rows whose target equals {@code ignoreIndex} (PyTorch uses -100) count
     * neither in the loss nor in the mean; their gradient is zero. When every row is ignored the
     * loss is 0 (PyTorch gives NaN).
     */
    public Tensor crossEntropy(int[] targets, int ignoreIndex) {
        return Softmax.crossEntropy(this, targets, ignoreIndex);
    }

    /**
     * Layer normalisation (层归一化) over the last axis: (x - mean) / √(var + eps) · weight + bias,
     * with the population variance. {@code weight} and {@code bias} have shape (C) and may be null.
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) {
        return Normalization.layerNorm(this, weight, bias, eps);
    }

    /** RMS normalisation over the last axis: x / √(mean(x²) + eps) · weight; {@code weight} (C) may be null. */
    public Tensor rmsNorm(Tensor weight, float eps) {
        return Normalization.rmsNorm(this, weight, eps);
    }

    /**
     * Dropout: zeroes each element with probability {@code p} and scales the rest by 1/(1-p), so the
     * expected value is unchanged. The mask comes from {@code random}: the same seed, the same mask.
     */
    public Tensor dropout(float p, RandomGenerator random) {
        return Masks.dropout(this, p, random);
    }

    /**
     * {@code value} where {@code mask} is non-zero, this tensor elsewhere; the mask broadcasts to this
     * shape. With -∞ before a softmax it hides positions, as in a causal mask.
     */
    public Tensor maskedFill(Tensor mask, float value) {
        return Masks.maskedFill(this, mask, value);
    }
}
