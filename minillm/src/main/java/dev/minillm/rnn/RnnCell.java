package dev.minillm.rnn;

import dev.minillm.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * The simple recurrent cell (Elman, 1990), PyTorch's {@code nn.RNNCell}:
 * <pre>
 *   h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t-1} + b_hh)
 * </pre>
 * The gradient reaching h_{t-k} has been multiplied k times by W_hhᵀ and by tanh' ≤ 1, so it
 * shrinks (or, with large weights, grows) exponentially with the distance k: vanishing and
 * exploding gradients.
 */
public final class RnnCell extends RecurrentCell {

    /** A cell from {@code inputSize} to {@code hiddenSize} features. */
    public RnnCell(int inputSize, int hiddenSize, RandomGenerator random) {
        super(inputSize, hiddenSize, 1, random);
    }

    @Override
    HiddenState step(Tensor inputPart, HiddenState state) {                   // inputPart (B, H), h (B, H)
        Tensor h = inputPart.add(recurrent().forward(state.h())).tanh();    // (B, H)
        return HiddenState.of(h);
    }
}
