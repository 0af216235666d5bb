package dev.minillm.rnn;

import dev.minillm.tensor.Layer;
import dev.minillm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A recurrent cell applied along a sequence, PyTorch's {@code nn.RNN}, {@code nn.LSTM} and
 * {@code nn.GRU} (one layer, {@code batch_first=True}). The loop over time builds one graph for
 * the whole sequence; {@code backward()} on a loss then runs backpropagation through time (随时间
 * 反向传播, BPTT) through it, step T back to step 1.
 *
 * <p>Step t needs the state of step t-1, so the T steps cannot run in parallel: the reason
 * Transformers, which look at all positions at once, replaced RNNs for training on long texts.
 */
public final class RecurrentLayer extends Layer {

    /**
     * The result of a sequence.
     *
     * @param outputs (B, T, H) the hidden state after every step
     * @param last the state after the last step, to continue from
     */
    public record Output(Tensor outputs, HiddenState last) {}

    private final RecurrentCell cell;

    /** A layer running {@code cell} over time. */
    public RecurrentLayer(RecurrentCell cell) {
        this.cell = child("cell", cell);
    }

    /** A layer with a new cell of the given kind. */
    public static RecurrentLayer of(RecurrentCell.Kind kind, int inputSize, int hiddenSize, RandomGenerator random) {
        return new RecurrentLayer(kind.create(inputSize, hiddenSize, random));
    }

    /**
     * Runs over {@code inputs} (B, T, I) from {@code initial}, or from zeros when it is null.
     *
     * @throws IllegalArgumentException if the input is not (B, T, I) or the initial state has another batch size
     */
    public Output forward(Tensor inputs, HiddenState initial) {
        if (inputs.rank() != 3 || inputs.shape(2) != cell.inputSize()) {
            throw new IllegalArgumentException("RecurrentLayer: expected inputs (B, T, " + cell.inputSize() + "), got "
                    + java.util.Arrays.toString(inputs.shape()));
        }
        int batch = inputs.shape(0), time = inputs.shape(1);
        HiddenState state = initial != null ? initial : cell.zeroState(batch);
        if (state.batchSize() != batch) {
            throw new IllegalArgumentException("RecurrentLayer: the initial state is for " + state.batchSize()
                    + " sequences but the input has " + batch);
        }
        Tensor inputParts = cell.input().forward(inputs);            // (B, T, gates·H): W_ih·x_t + b_ih, all t at once
        List<Tensor> outputs = new ArrayList<>(time);
        for (int t = 0; t < time; t++) {
            state = cell.step(inputParts.select(1, t), state);       // (B, H): the part that must run in order
            outputs.add(state.h());
        }
        Tensor all = Tensor.concat(1, outputs);                      // T × (B, H) → (B, T·H): row b is h_0[b] h_1[b] ...
        return new Output(all.reshape(batch, time, cell.hiddenSize()), state); // (B, T, H)
    }

    /** The cell applied at every step. */
    public RecurrentCell cell() {
        return cell;
    }

    /** H, the size of each output vector. */
    public int hiddenSize() {
        return cell.hiddenSize();
    }
}
