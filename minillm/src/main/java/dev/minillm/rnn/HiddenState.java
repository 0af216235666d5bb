package dev.minillm.rnn;

import dev.minillm.tensor.Tensor;

/**
 * What a recurrent cell carries from one step to the next: the hidden state h (B, H), and for an
 * LSTM also the cell state c (B, H) (null for RNN and GRU).
 *
 * @param h (B, H) the hidden state, which is also the cell's output
 * @param c (B, H) the LSTM's cell state (its long-term memory), or null
 */
public record HiddenState(Tensor h, Tensor c) {

    /** A state with only a hidden state (RNN, GRU). */
    public static HiddenState of(Tensor h) {
        return new HiddenState(h, null);
    }

    /** The same numbers cut from the graph: gradients stop here (truncated backpropagation through time). */
    public HiddenState detach() {
        return new HiddenState(h.detach(), c == null ? null : c.detach());
    }

    /** B, the number of sequences. */
    public int batchSize() {
        return h.shape(0);
    }
}
