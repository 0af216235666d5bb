package dev.minillm.rnn;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * One step of a recurrent network (循环神经网络): reads x_t and the previous state, returns the
 * next state. Every cell computes its gates from two affine maps,
 * <pre>
 *   W_ih·x_t + b_ih   (the {@link #input()} layer)   and   W_hh·h_{t-1} + b_hh   (the {@link #recurrent()} layer),
 * </pre>
 * each with one block of H rows per gate (1 for the RNN, 4 for the LSTM, 3 for the GRU), as in
 * PyTorch. The input part does not depend on the previous state, so {@link RecurrentLayer}
 * computes it for all time steps at once with one large matrix multiplication; only the
 * recurrent part has to run step by step.
 */
public abstract sealed class RecurrentCell extends Layer permits RnnCell, LstmCell, GruCell {

    /** The three cells of the chapter. */
    public enum Kind {
        /** The simple (Elman) RNN with tanh. */
        RNN,
        /** Long short-term memory (长短期记忆网络). */
        LSTM,
        /** Gated recurrent unit (门控循环单元). */
        GRU;

        /** A new cell of this kind, initialised from {@code random}. */
        public RecurrentCell create(int inputSize, int hiddenSize, RandomGenerator random) {
            return switch (this) {
                case RNN -> new RnnCell(inputSize, hiddenSize, random);
                case LSTM -> new LstmCell(inputSize, hiddenSize, random);
                case GRU -> new GruCell(inputSize, hiddenSize, random);
            };
        }
    }

    private final int inputSize, hiddenSize;
    private final Linear input;     // W_ih, b_ih: (I) → (gates·H)
    private final Linear recurrent; // W_hh, b_hh: (H) → (gates·H)

    /**
     * Registers the two affine maps, initialised as in PyTorch: every weight and bias uniform in
     * ±1/√H.
     */
    RecurrentCell(int inputSize, int hiddenSize, int gates, RandomGenerator random) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": sizes must be positive, got input "
                    + inputSize + ", hidden " + hiddenSize);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.input = child("input", new Linear(inputSize, gates * hiddenSize, random));
        this.recurrent = child("recurrent", new Linear(hiddenSize, gates * hiddenSize, random));
        float bound = (float) (1 / Math.sqrt(hiddenSize));
        for (Tensor p : parameters()) { // Linear used ±1/√in; PyTorch's recurrent layers use ±1/√H for all
            float[] values = p.data();
            for (int i = 0; i < values.length; i++) {
                values[i] = bound * (2 * random.nextFloat() - 1);
            }
        }
    }

    /** One step: x (B, I) and the previous state → the next state, whose h (B, H) is the output. */
    public final HiddenState forward(Tensor x, HiddenState state) {
        return step(input.forward(x), state);
    }

    /** One step from the input part W_ih·x + b_ih (B, gates·H), already computed. */
    abstract HiddenState step(Tensor inputPart, HiddenState state);

    /** The state before the first token: zeros of shape (B, H). */
    public HiddenState zeroState(int batchSize) {
        return HiddenState.of(Tensor.zeros(batchSize, hiddenSize));
    }

    /** I, the size of each input vector. */
    public int inputSize() {
        return inputSize;
    }

    /** H, the size of the hidden state. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** The input map W_ih·x + b_ih, weight (gates·H, I). */
    public Linear input() {
        return input;
    }

    /** The recurrent map W_hh·h + b_hh, weight (gates·H, H). */
    public Linear recurrent() {
        return recurrent;
    }

    @Override
    protected String describe() {
        return "input=" + inputSize + ", hidden=" + hiddenSize;
    }
}
