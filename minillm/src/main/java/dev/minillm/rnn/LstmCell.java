package dev.minillm.rnn;

import dev.minillm.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Long short-term memory (Hochreiter and Schmidhuber, 1997), PyTorch's {@code nn.LSTMCell}:
 * <pre>
 *   i = σ(W_ii·x + b_ii + W_hi·h + b_hi)        input gate: how much of the candidate to write
 *   f = σ(W_if·x + b_if + W_hf·h + b_hf)        forget gate: how much of the old memory to keep
 *   g = tanh(W_ig·x + b_ig + W_hg·h + b_hg)     candidate values
 *   o = σ(W_io·x + b_io + W_ho·h + b_ho)        output gate: how much of the memory to show
 *   c_t = f ⊙ c_{t-1} + i ⊙ g
 *   h_t = o ⊙ tanh(c_t)
 * </pre>
 * The cell state c is updated by addition, so the gradient along it is multiplied only by f at
 * each step: with f near 1 it travels many steps without vanishing.
 */
public final class LstmCell extends RecurrentCell {

    /** A cell from {@code inputSize} to {@code hiddenSize} features; the gates are stacked i, f, g, o as in PyTorch. */
    public LstmCell(int inputSize, int hiddenSize, RandomGenerator random) {
        super(inputSize, hiddenSize, 4, random);
    }

    @Override
    HiddenState step(Tensor inputPart, HiddenState state) {                   // inputPart (B, 4H)
        if (state.c() == null) {
            throw new IllegalArgumentException("LstmCell: the state has no cell state c; an LSTM carries both h and c: "
                    + "start from zeroState(B) or pass new HiddenState(h, c)");
        }
        Tensor z = inputPart.add(recurrent().forward(state.h()));            // (B, 4H): all gates at once
        List<Tensor> gates = z.chunk(4, -1);                                 // 4 × (B, H)
        Tensor i = gates.get(0).sigmoid();
        Tensor f = gates.get(1).sigmoid();
        Tensor g = gates.get(2).tanh();
        Tensor o = gates.get(3).sigmoid();
        Tensor c = f.mul(state.c()).add(i.mul(g));                           // (B, H)
        Tensor h = o.mul(c.tanh());                                          // (B, H)
        return new HiddenState(h, c);
    }

    /** Zeros for both h and c, (B, H) each. */
    @Override
    public HiddenState zeroState(int batchSize) {
        return new HiddenState(Tensor.zeros(batchSize, hiddenSize()), Tensor.zeros(batchSize, hiddenSize()));
    }

    /**
     * Sets the forget gate's bias (b_if, with b_hf set to 0) to {@code value}; returns this cell.
     * A bias of 1 (Gers et al., 2000; Jozefowicz et al., 2015) starts training with f ≈ 0.73 instead
     * of 0.5, so memories, and gradients, survive longer from the first step on.
     */
    public LstmCell forgetBias(float value) {
        int hidden = hiddenSize();
        float[] inputBias = input().bias().data(), recurrentBias = recurrent().bias().data();
        for (int j = hidden; j < 2 * hidden; j++) { // the second block of H rows is the forget gate
            inputBias[j] = value;
            recurrentBias[j] = 0f;
        }
        return this;
    }
}
