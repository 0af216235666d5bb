package dev.minillm.nn;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

/**
 * An activation function (激活函数) as a layer, so it can sit in a {@link Sequential} between
 * linear layers. It has no parameters; without it, a stack of linear layers would still be one
 * linear map.
 *
 * <pre>{@code
 * var mlp = new Sequential()
 *         .add(new Linear(8, 16, random))
 *         .add(Activation.tanh())
 *         .add(new Linear(16, 4, random));
 * }</pre>
 */
public final class Activation extends Layer {

    /** The functions on offer, each applied element by element. */
    public enum Kind {
        /** tanh(x), in (-1, 1): the hidden layer of Bengio et al. (2003) and of the simple RNN. */
        TANH,
        /** 1 / (1 + e^-x), in (0, 1): the gates of LSTM and GRU. */
        SIGMOID,
        /** max(0, x): cheap, and its gradient does not shrink for x &gt; 0. */
        RELU,
        /** GELU (tanh approximation), the activation of GPT-2's MLP. */
        GELU,
        /** x·sigmoid(x), the activation of Llama's SwiGLU. */
        SILU,
        /** x itself: no activation (a baseline that shows why one is needed). */
        IDENTITY;

        /** f(x), elementwise. */
        public Tensor apply(Tensor x) {
            return switch (this) {
                case TANH -> x.tanh();
                case SIGMOID -> x.sigmoid();
                case RELU -> x.relu();
                case GELU -> x.gelu();
                case SILU -> x.silu();
                case IDENTITY -> x;
            };
        }
    }

    private final Kind kind;

    /** An activation layer of the given kind. */
    public Activation(Kind kind) {
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** A tanh layer. */
    public static Activation tanh() {
        return new Activation(Kind.TANH);
    }

    /** A sigmoid layer. */
    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID);
    }

    /** A ReLU layer. */
    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    /** A GELU layer (tanh approximation). */
    public static Activation gelu() {
        return new Activation(Kind.GELU);
    }

    /** The function this layer applies. */
    public Kind kind() {
        return kind;
    }

    /** (...) → (...), the same shape. */
    public Tensor forward(Tensor x) {
        return kind.apply(x);
    }

    @Override
    protected String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
