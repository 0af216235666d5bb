package dev.minillm.rnn;

import dev.minillm.tensor.Tensor;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The gated recurrent unit (Cho et al., 2014), PyTorch's {@code nn.GRUCell}:
 * <pre>
 *   r = σ(W_ir·x + b_ir + W_hr·h + b_hr)            reset gate
 *   z = σ(W_iz·x + b_iz + W_hz·h + b_hz)            update gate
 *   n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))   candidate
 *   h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
 * </pre>
 * An LSTM with fewer parts: no separate cell state, and one gate z that both keeps and writes.
 */
public final class GruCell extends RecurrentCell {

    /** A cell from {@code inputSize} to {@code hiddenSize} features; the gates are stacked r, z, n as in PyTorch. */
    public GruCell(int inputSize, int hiddenSize, RandomGenerator random) {
        super(inputSize, hiddenSize, 3, random);
    }

    @Override
    HiddenState step(Tensor inputPart, HiddenState state) {                   // inputPart (B, 3H)
        List<Tensor> x = inputPart.chunk(3, -1);                             // 3 × (B, H)
        List<Tensor> h = recurrent().forward(state.h()).chunk(3, -1);        // 3 × (B, H)
        Tensor r = x.get(0).add(h.get(0)).sigmoid();
        Tensor z = x.get(1).add(h.get(1)).sigmoid();
        Tensor n = x.get(2).add(r.mul(h.get(2))).tanh();
        Tensor next = n.add(z.mul(state.h().sub(n)));                        // (1 - z)·n + z·h, rearranged: (B, H)
        return HiddenState.of(next);
    }
}
