package dev.minillm.tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A layer (层) of a neural network, or a whole network: parameters and sub-layers, each with a
 * name. PyTorch calls this {@code nn.Module}; Java already has a {@code java.lang.Module}.
 *
 * <p>A subclass registers what it owns in its constructor and adds a {@code forward} method:
 * <pre>{@code
 * final class MLP extends Layer {
 *     private final Linear fc1, fc2;
 *     MLP(RandomGenerator random) {
 *         fc1 = child("fc1", new Linear(8, 16, random));
 *         fc2 = child("fc2", new Linear(16, 4, random));
 *     }
 *     Tensor forward(Tensor x) {          // (B, 8)
 *         return fc2.forward(fc1.forward(x).gelu());   // (B, 4)
 *     }
 * }
 * }</pre>
 * The names give every parameter a dotted path ({@code fc1.weight}), the keys of the
 * {@link #stateDict() state dict} that {@link #save} writes as safetensors.
 */
public abstract class Layer {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private boolean training = true;

    /** A layer with nothing registered yet; subclasses register in their constructors. */
    protected Layer() {}

    /** Registers a trainable tensor under {@code name}; it is marked {@code requiresGrad(true)}. Returns it. */
    protected final Tensor parameter(String name, Tensor value) {
        checkName(name);
        if (!value.isLeaf()) {
            throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor, not the output of op '"
                    + value.op() + "'; use detach()");
        }
        parameters.put(name, value.requiresGrad(true));
        if (value.name == null) {
            value.name = name;
        }
        return value;
    }

    /** Registers a tensor that is saved and loaded with the parameters but not trained (a fixed table, a mask). */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        if (value.name == null) {
            value.name = name;
        }
        return value;
    }

    /** Registers a sub-layer under {@code name}; its parameters become {@code name.<their names>}. Returns it. */
    protected final <L extends Layer> L child(String name, L layer) {
        checkName(name);
        children.put(name, layer);
        layer.stateDict().forEach((key, tensor) -> {
            if (key.equals(tensor.name)) { // named by the child: prefix with this level
                tensor.name = name + "." + key;
            }
        });
        return layer;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("bad name '" + name + "': names must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has something named '" + name + "'");
        }
    }

    /** Every trainable tensor by its dotted name, in registration order; a shared (tied) tensor appears once. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect("", named, false);
        named.values().removeIf(t -> !seen.add(t));
        return named;
    }

    /** The trainable tensors, for an optimizer. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The number of trainable numbers. */
    public final long parameterCount() {
        long count = 0;
        for (Tensor p : parameters()) {
            count += p.size();
        }
        return count;
    }

    /** Sub-layers by dotted name, this layer first under "". */
    public final Map<String, Layer> namedLayers() {
        Map<String, Layer> layers = new LinkedHashMap<>();
        collectLayers("", layers);
        return layers;
    }

    private void collectLayers(String prefix, Map<String, Layer> into) {
        into.put(prefix, this);
        children.forEach((name, layer) -> layer.collectLayers(prefix.isEmpty() ? name : prefix + "." + name, into));
    }

    /**
     * Parameters and buffers by dotted name: everything needed to rebuild the layer's state. The
     * values are the live tensors, not copies.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        collect("", state, true);
        return state;
    }

    private void collect(String prefix, Map<String, Tensor> into, boolean withBuffers) {
        parameters.forEach((name, tensor) -> into.put(prefix + name, tensor));
        if (withBuffers) {
            buffers.forEach((name, tensor) -> into.put(prefix + name, tensor));
        }
        children.forEach((name, layer) -> layer.collect(prefix + name + ".", into, withBuffers));
    }

    /** Copies values into this layer's tensors; every key must match (strict). */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values into this layer's tensors, in place. Strict: the keys must be exactly those of
     * {@link #stateDict()}; otherwise missing and unexpected keys are skipped. Shapes must always match.
     *
     * @throws IllegalArgumentException naming the missing, unexpected or mis-shaped keys
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        if (strict) {
            Set<String> missing = new LinkedHashSet<>(own.keySet());
            missing.removeAll(state.keySet());
            Set<String> unexpected = new LinkedHashSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("loadStateDict: the state does not fit " + getClass().getSimpleName()
                        + (missing.isEmpty() ? "" : "; missing keys " + missing)
                        + (unexpected.isEmpty() ? "" : "; unexpected keys " + unexpected));
            }
        }
        own.forEach((key, target) -> {
            Tensor source = state.get(key);
            if (source != null && !Arrays.equals(source.shape, target.shape)) {
                throw new IllegalArgumentException("loadStateDict: '" + key + "' has shape " + Shapes.str(target.shape)
                        + " in the layer but " + Shapes.str(source.shape) + " in the state");
            }
        });
        own.forEach((key, target) -> {
            Tensor source = state.get(key);
            if (source != null) {
                System.arraycopy(source.toArray(), 0, target.data(), 0, target.size());
            }
        });
    }

    /** Writes the state dict as a safetensors file (atomically), readable by Python's {@code safetensors} too. */
    public final void save(Path file) {
        SafeTensors.write(file, stateDict(), Map.of("format", "pt"));
    }

    /** Reads a safetensors file written by {@link #save} (or by PyTorch) into this layer; keys must match. */
    public final void load(Path file) {
        loadStateDict(SafeTensors.read(file).tensors());
    }

    /** Clears the gradients of all parameters (before each training step's backward). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Training mode (the default): dropout is active. Applies to all sub-layers. */
    public final void train() {
        namedLayers().values().forEach(layer -> layer.training = true);
    }

    /** Evaluation mode: dropout does nothing. Applies to all sub-layers. */
    public final void eval() {
        namedLayers().values().forEach(layer -> layer.training = false);
    }

    /** True in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /** Extra text for {@link #toString()}, such as {@code in=8, out=16}; empty by default. */
    protected String describe() {
        return "";
    }

    /** The layer tree, as PyTorch prints it: {@code MLP(\n  (fc1): Linear(in=8, out=16, bias=true) ...)}. */
    @Override
    public String toString() {
        String head = getClass().getSimpleName() + "(" + describe();
        if (children.isEmpty()) {
            return head + ")";
        }
        var text = new StringBuilder(head).append('\n');
        children.forEach((name, layer) -> text.append("  (").append(name).append("): ")
                .append(layer.toString().replace("\n", "\n  ")).append('\n'));
        return text.append(')').toString();
    }
}
