package dev.minillm.nn;

import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.Layer;
import dev.minillm.tensor.LayerNorm;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.RMSNorm;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Layers applied one after another, the output of each the input of the next (PyTorch's
 * {@code nn.Sequential}). The layers are registered as children named "0", "1", ..., so the
 * parameters are called {@code 0.weight}, {@code 2.bias} as in PyTorch.
 *
 * <pre>{@code
 * var random = new SplittableRandom(42);
 * var mlp = new Sequential()
 *         .add(new Linear(8, 16, random))      // (B, 8)  → (B, 16)
 *         .add(Activation.tanh())
 *         .add(new Dropout(0.1f, random))
 *         .add(new Linear(16, 4, random));     // (B, 16) → (B, 4)
 * Tensor y = mlp.forward(x);
 * }</pre>
 *
 * Chapter 3's layers have no common {@code forward} interface, so each kind gets its own
 * {@code add}; any other layer is added with the method that computes it:
 * {@code add(new MyLayer(), MyLayer::forward)}.
 */
public final class Sequential extends Layer {

    private final List<UnaryOperator<Tensor>> steps = new ArrayList<>();

    /** An empty sequence: {@link #forward} is the identity until layers are added. */
    public Sequential() {}

    /** Appends any layer, with the method that applies it to a tensor; returns this sequence. */
    public <L extends Layer> Sequential add(L layer, BiFunction<? super L, Tensor, Tensor> forward) {
        child(Integer.toString(steps.size()), layer);
        steps.add(x -> forward.apply(layer, x));
        return this;
    }

    /** Appends a linear layer. */
    public Sequential add(Linear layer) {
        return add(layer, Linear::forward);
    }

    /** Appends an activation. */
    public Sequential add(Activation layer) {
        return add(layer, Activation::forward);
    }

    /** Appends dropout (active only in training mode). */
    public Sequential add(Dropout layer) {
        return add(layer, Dropout::forward);
    }

    /** Appends layer normalisation. */
    public Sequential add(LayerNorm layer) {
        return add(layer, LayerNorm::forward);
    }

    /** Appends RMS normalisation. */
    public Sequential add(RMSNorm layer) {
        return add(layer, RMSNorm::forward);
    }

    /** Appends another sequence (its parameters become {@code <index>.<their names>}). */
    public Sequential add(Sequential layer) {
        return add(layer, Sequential::forward);
    }

    /** How many layers there are. */
    public int size() {
        return steps.size();
    }

    /** Applies every layer in order. */
    public Tensor forward(Tensor x) {
        for (UnaryOperator<Tensor> step : steps) {
            x = step.apply(x);
        }
        return x;
    }
}
