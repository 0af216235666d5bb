package dev.minillm.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Ops that move elements around without arithmetic: views (reshape, transpose, permute, slice,
 * select, unsqueeze, squeeze, expand), and copies (contiguous, concat, indexSelect).
 *
 * <p>A view is the same storage read with a new {@link Layout}. Its gradient goes back through
 * the same layout: the view's geometry is applied once to the input's storage (for the forward
 * values) and once to the input's row-major gradient (for the backward), so every view op is
 * just a rule for changing offset and strides.
 */
final class ShapeOps {

    private ShapeOps() {}

    /** Where element (0, ...) is and how far each axis steps, in some flat array. */
    private record Layout(int offset, int[] strides) {}

    /** A view of {@code a} with {@code shape}, whose layout follows from a's by {@code geometry}. */
    private static Tensor view(String op, Tensor a, int[] shape, UnaryOperator<Layout> geometry) {
        Layout storage = geometry.apply(new Layout(a.offset, a.strides));
        Layout gradient = geometry.apply(new Layout(0, Shapes.contiguousStrides(a.shape)));
        Tensor out = a.view(storage.offset(), shape, storage.strides());
        return Autograd.record(op, out,
                g -> Strided.scatterAdd(g, a.gradBuffer(), gradient.offset(), shape, gradient.strides()), a);
    }

    // ---------------------------------------------------------------- views

    static Tensor reshape(Tensor a, int[] requested) {
        int[] shape = resolveShape(a, requested);
        if (Arrays.equals(shape, a.shape)) {
            return a;
        }
        if (!a.isContiguous()) { // e.g. a transpose: the elements are not in row-major order, copy first
            return reshape(contiguous(a), shape);
        }
        return view("reshape", a, shape, l -> new Layout(l.offset(), Shapes.contiguousStrides(shape)));
    }

    /** The requested shape with a -1 worked out from the size. */
    private static int[] resolveShape(Tensor a, int[] requested) {
        int[] shape = requested.clone();
        int unknown = -1, known = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == -1 && unknown < 0) {
                unknown = axis;
            } else if (shape[axis] < 0) {
                throw new IllegalArgumentException("reshape: bad shape " + Arrays.toString(requested)
                        + " (dimensions must be >= 0, with at most one -1)");
            } else {
                known *= shape[axis];
            }
        }
        if (unknown >= 0 && known > 0 && a.size() % known == 0) {
            shape[unknown] = a.size() / known;
        }
        if (unknown >= 0 && shape[unknown] < 0 || Shapes.size(shape) != a.size()) {
            throw new IllegalArgumentException("reshape: cannot view shape " + Shapes.str(a.shape) + " (" + a.size()
                    + " elements) as " + Arrays.toString(requested));
        }
        return shape;
    }

    static Tensor transpose(Tensor a, int axis0, int axis1) {
        int i = Shapes.axis("transpose", axis0, a.rank()), j = Shapes.axis("transpose", axis1, a.rank());
        int[] order = new int[a.rank()];
        for (int axis = 0; axis < order.length; axis++) {
            order[axis] = axis == i ? j : axis == j ? i : axis;
        }
        return permute("transpose", a, order);
    }

    static Tensor permute(Tensor a, int[] axes) {
        if (axes.length != a.rank()) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " lists " + axes.length
                    + " axes, the tensor of shape " + Shapes.str(a.shape) + " has " + a.rank());
        }
        int[] order = new int[axes.length];
        boolean[] used = new boolean[axes.length];
        for (int k = 0; k < axes.length; k++) {
            order[k] = Shapes.axis("permute", axes[k], a.rank());
            if (used[order[k]]) {
                throw new IllegalArgumentException("permute: axis " + order[k] + " appears twice in " + Arrays.toString(axes));
            }
            used[order[k]] = true;
        }
        return permute("permute", a, order);
    }

    /** Axis k of the result is axis order[k] of a: permute the dimensions and the strides alike. */
    private static Tensor permute(String op, Tensor a, int[] order) {
        int[] shape = new int[order.length];
        for (int k = 0; k < order.length; k++) {
            shape[k] = a.shape[order[k]];
        }
        return view(op, a, shape, l -> {
            int[] strides = new int[order.length];
            for (int k = 0; k < order.length; k++) {
                strides[k] = l.strides()[order[k]];
            }
            return new Layout(l.offset(), strides);
        });
    }

    static Tensor slice(Tensor a, int axis, int start, int end) {
        int ax = Shapes.axis("slice", axis, a.rank());
        int n = a.shape[ax];
        int from = start < 0 ? start + n : start, to = end < 0 ? end + n : end;
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("slice: [" + start + ", " + end + ") does not fit axis " + axis
                    + " of size " + n + " (shape " + Shapes.str(a.shape) + ")");
        }
        int[] shape = a.shape.clone();
        shape[ax] = to - from;
        return view("slice", a, shape, l -> new Layout(l.offset() + from * l.strides()[ax], l.strides()));
    }

    static Tensor select(Tensor a, int axis, int index) {
        int ax = Shapes.axis("select", axis, a.rank());
        int i = index < 0 ? index + a.shape[ax] : index;
        if (i < 0 || i >= a.shape[ax]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for axis " + axis
                    + " of size " + a.shape[ax] + " (shape " + Shapes.str(a.shape) + ")");
        }
        return view("select", a, Shapes.without(a.shape, ax),
                l -> new Layout(l.offset() + i * l.strides()[ax], Shapes.without(l.strides(), ax)));
    }

    static Tensor unsqueeze(Tensor a, int axis) {
        int ax = axis < 0 ? axis + a.rank() + 1 : axis;
        if (ax < 0 || ax > a.rank()) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " is out of range for a tensor of rank "
                    + a.rank() + " (use 0.." + a.rank() + ")");
        }
        int[] shape = insert(a.shape, ax, 1);
        return view("unsqueeze", a, shape, l -> new Layout(l.offset(), insert(l.strides(), ax, 0)));
    }

    private static int[] insert(int[] values, int at, int value) {
        int[] result = new int[values.length + 1];
        System.arraycopy(values, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(values, at, result, at + 1, values.length - at);
        return result;
    }

    static Tensor squeeze(Tensor a, int axis) {
        int ax = Shapes.axis("squeeze", axis, a.rank());
        if (a.shape[ax] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + Shapes.str(a.shape)
                    + " has size " + a.shape[ax] + ", not 1");
        }
        return view("squeeze", a, Shapes.without(a.shape, ax),
                l -> new Layout(l.offset(), Shapes.without(l.strides(), ax)));
    }

    static Tensor expand(Tensor a, int[] requested) {
        int rank = requested.length, shift = rank - a.rank();
        if (shift < 0) {
            throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(a.shape) + " to fewer axes, "
                    + Arrays.toString(requested));
        }
        int[] shape = new int[rank];
        for (int axis = 0; axis < rank; axis++) {
            int own = axis < shift ? 1 : a.shape[axis - shift];
            shape[axis] = requested[axis] == -1 ? own : requested[axis];
            if (own != shape[axis] && own != 1) {
                throw new IllegalArgumentException("expand: cannot expand shape " + Shapes.str(a.shape) + " to "
                        + Arrays.toString(requested) + " (axis " + axis + ": " + own + " is neither "
                        + shape[axis] + " nor 1)");
            }
        }
        return view("expand", a, shape, l -> {
            int[] strides = new int[rank];
            for (int axis = shift; axis < rank; axis++) {
                strides[axis] = a.shape[axis - shift] == shape[axis] ? l.strides()[axis - shift] : 0;
            }
            return new Layout(l.offset(), strides); // stride 0: one stored element stands for the whole axis
        });
    }

    // ---------------------------------------------------------------- copies

    static Tensor contiguous(Tensor a) {
        if (a.isDense()) {
            return a;
        }
        return Autograd.record("contiguous", Tensor.of(a.toArray(), a.shape),
                g -> Autograd.add(a.gradBuffer(), g), a);
    }

    static Tensor concat(int axis, List<Tensor> tensors) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor first = tensors.getFirst();
        int ax = Shapes.axis("concat", axis, first.rank());
        int[] shape = first.shape.clone();
        shape[ax] = 0;
        for (Tensor t : tensors) {
            boolean fits = t.rank() == first.rank();
            for (int d = 0; fits && d < t.rank(); d++) {
                fits = d == ax || t.shape[d] == first.shape[d];
            }
            if (!fits) {
                throw new IllegalArgumentException("concat: shapes " + Shapes.str(first.shape) + " and "
                        + Shapes.str(t.shape) + " differ on an axis other than " + axis);
            }
            shape[ax] += t.shape[ax];
        }
        int outer = Shapes.product(shape, 0, ax), inner = Shapes.product(shape, ax + 1, shape.length);
        int rowLength = shape[ax] * inner; // one outer row of the output
        float[] y = new float[Shapes.size(shape)];
        int[] starts = new int[tensors.size()]; // where each input's block begins inside an output row
        for (int k = 0, start = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            float[] x = t.dense();
            int block = t.shape[ax] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x, o * block, y, o * rowLength + start, block);
            }
            starts[k] = start;
            start += block;
        }
        Tensor[] inputs = tensors.toArray(Tensor[]::new);
        return Autograd.record("concat", Tensor.of(y, shape), g -> {
            for (int k = 0; k < inputs.length; k++) {
                if (!inputs[k].requiresGrad) {
                    continue;
                }
                float[] gk = inputs[k].gradBuffer();
                int block = inputs[k].shape[ax] * inner;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < block; i++) {
                        gk[o * block + i] += g[o * rowLength + starts[k] + i];
                    }
                }
            }
        }, inputs);
    }

    static List<Tensor> split(Tensor a, int axis, int[] sizes) {
        int ax = Shapes.axis("split", axis, a.rank());
        int total = Arrays.stream(sizes).sum();
        if (total != a.shape[ax] || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " but axis " + axis + " of shape " + Shapes.str(a.shape) + " has " + a.shape[ax]);
        }
        List<Tensor> pieces = new ArrayList<>();
        for (int k = 0, start = 0; k < sizes.length; start += sizes[k], k++) {
            pieces.add(slice(a, ax, start, start + sizes[k]));
        }
        return pieces;
    }

    /** Pieces of ⌈n / chunks⌉ along the axis, the last one smaller when n does not divide evenly (as in PyTorch). */
    static List<Tensor> chunk(Tensor a, int chunks, int axis) {
        if (chunks < 1) {
            throw new IllegalArgumentException("chunk: needs at least 1 chunk, got " + chunks);
        }
        int n = a.shape[Shapes.axis("chunk", axis, a.rank())];
        int size = Math.max(1, (n + chunks - 1) / chunks);
        List<Integer> sizes = new ArrayList<>();
        for (int start = 0; start < n; start += size) {
            sizes.add(Math.min(size, n - start));
        }
        return split(a, axis, sizes.stream().mapToInt(Integer::intValue).toArray());
    }

    /** y[.., j, ..] = x[.., indices[j], ..] along the axis; the gradient is added back to the picked entries. */
    static Tensor indexSelect(Tensor a, int axis, int[] indices) {
        int ax = Shapes.axis("indexSelect", axis, a.rank());
        int n = a.shape[ax], k = indices.length;
        int[] picks = indices.clone();
        for (int j = 0; j < k; j++) {
            if (picks[j] < 0 || picks[j] >= n) {
                throw new IndexOutOfBoundsException("indexSelect: index " + picks[j] + " (position " + j
                        + ") is out of range for axis " + axis + " of size " + n + " (shape " + Shapes.str(a.shape) + ")");
            }
        }
        int outer = Shapes.product(a.shape, 0, ax), inner = Shapes.product(a.shape, ax + 1, a.rank());
        int[] shape = a.shape.clone();
        shape[ax] = k;
        float[] x = a.dense();
        float[] y = new float[outer * k * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                System.arraycopy(x, (o * n + picks[j]) * inner, y, (o * k + j) * inner, inner);
            }
        }
        return Autograd.record("indexSelect", Tensor.of(y, shape), g -> {
            float[] ga = a.gradBuffer();
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < k; j++) {
                    int from = (o * k + j) * inner, to = (o * n + picks[j]) * inner;
                    for (int i = 0; i < inner; i++) {
                        ga[to + i] += g[from + i];
                    }
                }
            }
        }, a);
    }
}
