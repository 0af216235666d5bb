package dev.minillm.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A number that remembers how it was computed, so that {@link #backward()} can find the
 * derivative of a result with respect to every number that went into it: reverse-mode automatic
 * differentiation (自动微分) on scalars, as in Karpathy's micrograd.
 *
 * <p>Each operation creates a new Value that knows its inputs and a local rule: given the
 * gradient of the final result with respect to the output, add the gradient with respect to each
 * input (the chain rule, one step). {@code backward()} runs these rules from the result back to
 * the leaves, each node after every node that uses it.
 */
public final class Value {

    private double data;
    private double grad;
    private final Value[] inputs;
    private final String op;
    private String label = "";
    /** Pushes this value's grad to its inputs' grads; a leaf has nothing to push. */
    private Runnable backward = () -> {};

    /** A leaf: an input or a parameter. */
    public Value(double data) {
        this(data, "");
    }

    private Value(double data, String op, Value... inputs) {
        this.data = data;
        this.op = op;
        this.inputs = inputs;
    }

    public Value add(Value other) {
        Value out = new Value(data + other.data, "+", this, other);
        out.backward = () -> { // d(a+b)/da = 1, d(a+b)/db = 1
            this.grad += out.grad;
            other.grad += out.grad;
        };
        return out;
    }

    public Value mul(Value other) {
        Value out = new Value(data * other.data, "*", this, other);
        out.backward = () -> { // d(ab)/da = b, d(ab)/db = a
            this.grad += other.data * out.grad;
            other.grad += this.data * out.grad;
        };
        return out;
    }

    /** this^exponent, for a constant exponent. */
    public Value pow(double exponent) {
        Value out = new Value(Math.pow(data, exponent), "^" + format(exponent), this);
        out.backward = () -> this.grad += exponent * Math.pow(data, exponent - 1) * out.grad;
        return out;
    }

    public Value exp() {
        Value out = new Value(Math.exp(data), "exp", this);
        out.backward = () -> this.grad += out.data * out.grad; // (e^x)' = e^x
        return out;
    }

    /** The natural logarithm. */
    public Value log() {
        Value out = new Value(Math.log(data), "log", this);
        out.backward = () -> this.grad += out.grad / data;
        return out;
    }

    public Value tanh() {
        Value out = new Value(Math.tanh(data), "tanh", this);
        out.backward = () -> this.grad += (1 - out.data * out.data) * out.grad;
        return out;
    }

    /** max(0, x): passes the gradient where x > 0, blocks it elsewhere. */
    public Value relu() {
        Value out = new Value(Math.max(0, data), "relu", this);
        out.backward = () -> this.grad += (out.data > 0 ? 1 : 0) * out.grad;
        return out;
    }

    // The rest is built from the operations above, so it needs no backward rule of its own.

    public Value add(double other) { return add(new Value(other)); }
    public Value mul(double other) { return mul(new Value(other)); }
    public Value neg() { return mul(-1); }
    public Value sub(Value other) { return add(other.neg()); }
    public Value sub(double other) { return add(-other); }
    public Value div(Value other) { return mul(other.pow(-1)); }
    public Value div(double other) { return mul(1 / other); }

    /** The sum of the values (0 for none). */
    public static Value sum(List<Value> values) {
        Value total = new Value(0);
        for (Value v : values) {
            total = total.add(v);
        }
        return total;
    }

    /**
     * Sets d(this)/d(v) into {@code v.grad()} for every value v this one was computed from. Grads
     * add up (a value used twice gets both contributions), so call {@link #zeroGrad()} on the
     * parameters before the next backward pass.
     */
    public void backward() {
        List<Value> order = topologicalOrder();
        for (Value v : order) { // inner nodes start from zero on every call; leaves keep accumulating
            if (v.inputs.length > 0) {
                v.grad = 0;
            }
        }
        grad = 1; // d(this)/d(this)
        for (Value v : order.reversed()) { // from the output back: a node's grad is complete before it is used
            v.backward.run();
        }
    }

    /**
     * Every value this one depends on, inputs before the values computed from them, this one last.
     * A depth-first search, with a stack of its own instead of recursion, so that a long chain (a
     * sum of 100 000 terms) cannot overflow the thread's stack: a value is first expanded (its
     * inputs go on top of it), and added to the order when it comes back to the top, after them.
     */
    List<Value> topologicalOrder() {
        List<Value> order = new ArrayList<>();
        Set<Value> expanded = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Value> added = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Value> stack = new ArrayDeque<>(List.of(this));
        while (!stack.isEmpty()) {
            Value v = stack.peek();
            if (expanded.add(v)) {
                for (int i = v.inputs.length - 1; i >= 0; i--) { // the first input ends on top, and comes first
                    if (!expanded.contains(v.inputs[i])) {
                        stack.push(v.inputs[i]);
                    }
                }
            } else {
                stack.pop();
                if (added.add(v)) {
                    order.add(v);
                }
            }
        }
        return order;
    }

    /** The graph that computed this value, in Graphviz's DOT language: one box per value, one circle per op. */
    public String toDot() {
        Map<Value, Integer> ids = new IdentityHashMap<>();
        StringBuilder dot = new StringBuilder("digraph value {\n  rankdir=LR;\n  node [fontname=\"monospace\"];\n");
        for (Value v : topologicalOrder()) {
            int id = ids.size();
            ids.put(v, id);
            String name = v.label.isEmpty() ? "" : escape(v.label) + " | ";
            dot.append(String.format(Locale.ROOT, "  v%d [shape=record, label=\"{ %sdata %.4f | grad %.4f }\"];%n",
                    id, name, v.data, v.grad));
            if (!v.op.isEmpty()) {
                dot.append(String.format("  op%d [shape=circle, label=\"%s\"];%n  op%d -> v%d;%n", id, v.op, id, id));
                for (Value input : v.inputs) {
                    dot.append(String.format("  v%d -> op%d;%n", ids.get(input), id));
                }
            }
        }
        return dot.append("}\n").toString();
    }

    public double data() { return data; }
    public double grad() { return grad; }
    public String label() { return label; }

    /** Changes a leaf's number, e.g. a parameter's gradient-descent step {@code p.setData(p.data() - lr * p.grad())}. */
    public void setData(double data) { this.data = data; }

    public void zeroGrad() { grad = 0; }

    /** Names this value in {@link #toDot()}; returns this, so {@code new Value(2).label("a")} reads well. */
    public Value label(String label) {
        this.label = label;
        return this;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Value(%sdata=%.4f, grad=%.4f)", label.isEmpty() ? "" : label + ": ", data, grad);
    }

    /** Characters that mean something inside a DOT record label get a backslash. */
    private static String escape(String text) {
        return text.replaceAll("([\\\\\"{}|<>])", "\\\\$1");
    }

    private static String format(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }
}
