package dev.minillm.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation (反向模式自动微分) on a graph built as the ops run.
 *
 * <p>Every op that reads a tensor needing a gradient records a {@link Node}: its name, its inputs
 * and its local backward rule. {@link Tensor#backward()} sorts the graph so that every tensor
 * comes after the tensors it was computed from, then walks it from the loss back to the leaves:
 * each node receives dLoss/dOutput and adds dLoss/dInput to its inputs' gradients (the chain rule).
 * A tensor used twice receives two contributions, which add up.
 *
 * <p>Two switches, both per thread and both undone by closing the {@link Scope} they return:
 * <pre>{@code
 * try (var _ = Autograd.noGrad()) { ... }          // evaluation: no graph, less memory
 * try (var _ = Autograd.detectAnomalies()) { ... } // name the first op that produces NaN or Inf
 * }</pre>
 */
public final class Autograd {

    /** The local backward rule of one op: given dLoss/dOutput, add dLoss/dInput into each input's gradient. */
    @FunctionalInterface
    interface Backward {
        /** {@code outputGrad} is row-major, one entry per element of the op's output. */
        void apply(float[] outputGrad);
    }

    /**
     * The backward rule of an op defined outside this package (a fused kernel, say): given
     * dLoss/dOutput (row-major), return dLoss/dInput for each input, row-major in the input's
     * shape, or null for an input that gets no gradient.
     */
    @FunctionalInterface
    public interface CustomBackward {
        float[][] apply(float[] outputGrad);
    }

    /** One op in the graph: what produced a tensor, from which inputs, and how to send its gradient back. */
    record Node(String op, Tensor[] inputs, Backward backward) {}

    /** Restores the previous mode when closed; use it in try-with-resources. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Mode {
        boolean gradEnabled = true;
        boolean detectAnomalies;
    }

    private static final ThreadLocal<Mode> MODE = ThreadLocal.withInitial(Mode::new);

    private Autograd() {}

    /** Stops recording the graph on this thread until the scope is closed (for evaluation and optimizer steps). */
    public static Scope noGrad() {
        Mode mode = MODE.get();
        boolean previous = mode.gradEnabled;
        mode.gradEnabled = false;
        return () -> mode.gradEnabled = previous;
    }

    /** False inside {@link #noGrad()}. */
    public static boolean isGradEnabled() {
        return MODE.get().gradEnabled;
    }

    /**
     * Anomaly mode: every op checks its output, and every backward rule the gradients it produced,
     * for NaN and Inf, and throws an {@link ArithmeticException} naming the first op that made one.
     * Slower; use it to debug a loss that suddenly becomes NaN.
     */
    public static Scope detectAnomalies() {
        Mode mode = MODE.get();
        boolean previous = mode.detectAnomalies;
        mode.detectAnomalies = true;
        return () -> mode.detectAnomalies = previous;
    }

    /** True inside {@link #detectAnomalies()}. */
    public static boolean isDetectingAnomalies() {
        return MODE.get().detectAnomalies;
    }

    /**
     * Every op ends here with its freshly computed output: when gradients are on and an input needs
     * one, the output remembers the op, so {@link #backward} can later call {@code backward}.
     */
    static Tensor record(String op, Tensor output, Backward backward, Tensor... inputs) {
        Mode mode = MODE.get();
        if (mode.detectAnomalies) {
            checkForward(op, output, inputs);
        }
        if (!mode.gradEnabled) {
            return output;
        }
        for (Tensor input : inputs) {
            if (input != null && input.requiresGrad) {
                output.node = new Node(op, inputs, backward);
                output.requiresGrad = true;
                break;
            }
        }
        return output;
    }

    /**
     * Records an op computed outside the engine, e.g. a fused attention kernel: {@code output} is
     * its freshly made result, and {@code backward} its gradient rule. Behaves like a built-in op
     * (no-grad mode, anomaly detection, gradient accumulation).
     *
     * @return {@code output}, now part of the graph when an input needs a gradient
     */
    public static Tensor custom(String op, Tensor output, CustomBackward backward, Tensor... inputs) {
        return record(op, output, outputGrad -> {
            float[][] gradients = backward.apply(outputGrad);
            if (gradients.length != inputs.length) {
                throw new IllegalStateException("op '" + op + "' returned " + gradients.length
                        + " gradients for " + inputs.length + " inputs");
            }
            for (int i = 0; i < inputs.length; i++) {
                if (gradients[i] == null || inputs[i] == null || !inputs[i].requiresGrad()) {
                    continue;
                }
                if (gradients[i].length != inputs[i].size()) {
                    throw new IllegalStateException("op '" + op + "' returned a gradient of " + gradients[i].length
                            + " values for input " + i + " of shape " + java.util.Arrays.toString(inputs[i].shape()));
                }
                add(inputs[i].gradBuffer(), gradients[i]);
            }
        }, inputs);
    }

    /**
     * Backpropagation from {@code root}, whose gradient is {@code seed}: leaves that need a gradient
     * accumulate into {@link Tensor#grad()}; intermediate gradients are recomputed on every call and
     * dropped once used, unless the tensor asked to {@link Tensor#retainGrad() retain} them.
     */
    static void backward(Tensor root, float[] seed) {
        if (!root.requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require a gradient; no input of the "
                    + "ops that computed it had requiresGrad(true) (or they ran inside Autograd.noGrad())");
        }
        if (root.node == null) { // the root is itself a leaf
            add(root.gradBuffer(), seed);
            return;
        }
        List<Tensor> order = graph(root);
        for (Tensor tensor : order) {
            if (tensor.node != null) {
                tensor.grad = null; // intermediate gradients belong to this pass only
            }
        }
        root.grad = seed;
        boolean checking = MODE.get().detectAnomalies;
        try (var _ = noGrad()) { // backward rules must not grow the graph
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor tensor = order.get(i);
                if (tensor.node == null || tensor.grad == null) {
                    continue; // a leaf, or no path from the root reaches it
                }
                tensor.node.backward().apply(tensor.grad);
                if (checking) {
                    checkBackward(tensor.node);
                }
                if (!tensor.retainGrad) {
                    tensor.grad = null;
                }
            }
        }
    }

    /**
     * Every tensor that {@code root} was computed from, and {@code root} itself, each after all of
     * its inputs (a topological order). Iterative, so a graph thousands of ops deep (an RNN unrolled
     * over a long text) does not overflow the stack.
     */
    static List<Tensor> graph(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var stack = new ArrayDeque<Frame>();
        seen.add(root);
        stack.push(new Frame(root));
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            Tensor[] inputs = frame.tensor.node == null ? new Tensor[0] : frame.tensor.node.inputs();
            if (frame.next < inputs.length) {
                Tensor input = inputs[frame.next++];
                if (input != null && seen.add(input)) {
                    stack.push(new Frame(input));
                }
            } else {
                stack.pop();
                order.add(frame.tensor); // all its inputs are already in the list
            }
        }
        return order;
    }

    private static final class Frame {
        final Tensor tensor;
        int next;

        Frame(Tensor tensor) {
            this.tensor = tensor;
        }
    }

    static void add(float[] target, float[] values) {
        for (int i = 0; i < target.length; i++) {
            target[i] += values[i];
        }
    }

    // ---------------------------------------------------------------- anomaly mode

    private static void checkForward(String op, Tensor output, Tensor[] inputs) {
        for (int i = 0; i < inputs.length; i++) {
            Tensor input = inputs[i];
            int bad = input == null ? -1 : firstNonFinite(input.toArray());
            if (bad >= 0) {
                throw new ArithmeticException("anomaly: input " + i + " of op '" + op + "' (shape "
                        + Shapes.str(input.shape) + ") already contains " + describe(input.toArray()[bad])
                        + " at index " + Shapes.str(unravel(bad, input.shape))
                        + ", and no recorded op produced it: check the data or the parameters");
            }
        }
        float[] values = output.toArray();
        int bad = firstNonFinite(values);
        if (bad >= 0) {
            var shapes = new StringBuilder();
            for (Tensor input : inputs) {
                shapes.append(shapes.isEmpty() ? "" : ", ").append(input == null ? "none" : Shapes.str(input.shape));
            }
            throw new ArithmeticException("anomaly: op '" + op + "' produced " + describe(values[bad]) + " at index "
                    + Shapes.str(unravel(bad, output.shape)) + " of its output (shape " + Shapes.str(output.shape)
                    + "; input shapes " + shapes + ")");
        }
    }

    private static void checkBackward(Node node) {
        for (int i = 0; i < node.inputs().length; i++) {
            Tensor input = node.inputs()[i];
            if (input == null || input.grad == null) {
                continue;
            }
            int bad = firstNonFinite(input.grad);
            if (bad >= 0) {
                throw new ArithmeticException("anomaly: the backward of op '" + node.op() + "' produced "
                        + describe(input.grad[bad]) + " in the gradient of its input " + i + " (shape "
                        + Shapes.str(input.shape) + ") at index " + Shapes.str(unravel(bad, input.shape)));
            }
        }
    }

    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(float value) {
        return Float.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    }

    /** The multi-index of the {@code flat}-th element in row-major order. */
    static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }
}
