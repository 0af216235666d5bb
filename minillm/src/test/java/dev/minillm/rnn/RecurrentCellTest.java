package dev.minillm.rnn;

import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.minillm.nn.NnTestSupport.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cells and the layer: shapes, names, finite-difference gradients, bad input. */
class RecurrentCellTest {

    @ParameterizedTest
    @EnumSource(RecurrentCell.Kind.class)
    void aCellStepHasTheRightShapesAndNames(RecurrentCell.Kind kind) {
        RecurrentCell cell = kind.create(3, 4, new SplittableRandom(1));
        int gates = switch (kind) {
            case RNN -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
        assertThat(cell.namedParameters().keySet()).containsExactly("input.weight", "input.bias", "recurrent.weight",
                "recurrent.bias");
        assertThat(cell.input().weight().shape()).containsExactly(gates * 4, 3);
        assertThat(cell.recurrent().weight().shape()).containsExactly(gates * 4, 4);
        float bound = 0.5f; // 1/√H
        for (Tensor p : cell.parameters()) {
            for (float v : p.toArray()) {
                assertThat(Math.abs(v)).as("PyTorch's initialisation ±1/√H").isLessThanOrEqualTo(bound);
            }
        }
        HiddenState zero = cell.zeroState(2);
        assertThat(zero.h().shape()).containsExactly(2, 4);
        assertThat(zero.c() != null).isEqualTo(kind == RecurrentCell.Kind.LSTM);
        HiddenState next = cell.forward(Tensor.randn(2, 2, 3), zero);
        assertThat(next.h().shape()).containsExactly(2, 4);
    }

    @ParameterizedTest
    @EnumSource(RecurrentCell.Kind.class)
    void cellGradientsPassAGradientCheck(RecurrentCell.Kind kind) {
        RecurrentCell cell = kind.create(3, 4, new SplittableRandom(2));
        Tensor x = Tensor.randn(3, 2, 3).requiresGrad(true);
        Tensor h = Tensor.randn(4, 2, 4).mul(0.5f).detach().requiresGrad(true);
        Tensor c = Tensor.randn(5, 2, 4).detach().requiresGrad(true);
        boolean lstm = kind == RecurrentCell.Kind.LSTM;
        List<Tensor> inputs = new ArrayList<>(List.of(x, h, c));
        inputs.addAll(cell.parameters());
        GradCheck.check(in -> {
            HiddenState next = cell.forward(in[0], new HiddenState(in[1], lstm ? in[2] : null));
            return lstm ? Tensor.concat(1, next.h(), next.c()) : next.h();
        }, inputs.toArray(Tensor[]::new)).orThrow();
    }

    @ParameterizedTest
    @EnumSource(RecurrentCell.Kind.class)
    void backpropagationThroughTimePassesAGradientCheck(RecurrentCell.Kind kind) {
        var layer = RecurrentLayer.of(kind, 2, 3, new SplittableRandom(3));
        Tensor x = Tensor.randn(6, 2, 5, 2).requiresGrad(true); // (B, T, I) = (2, 5, 2)
        List<Tensor> inputs = new ArrayList<>(List.of(x));
        inputs.addAll(layer.parameters());
        GradCheck.check(in -> layer.forward(in[0], null).outputs(), inputs.toArray(Tensor[]::new)).orThrow();
    }

    @ParameterizedTest
    @EnumSource(RecurrentCell.Kind.class)
    void theLayerIsTheCellAppliedStepByStep(RecurrentCell.Kind kind) {
        var layer = RecurrentLayer.of(kind, 3, 4, new SplittableRandom(4));
        Tensor x = Tensor.randn(7, 2, 6, 3);
        RecurrentLayer.Output out = layer.forward(x, null);
        HiddenState state = layer.cell().zeroState(2);
        for (int t = 0; t < 6; t++) {
            state = layer.cell().forward(x.select(1, t), state);
            assertClose("step " + t, out.outputs().select(1, t), state.h(), 1e-6, 1e-6);
        }
        assertClose("last", out.last().h(), state.h(), 1e-6, 1e-6);
        // splitting the sequence and carrying the state gives the same outputs
        RecurrentLayer.Output first = layer.forward(x.slice(1, 0, 3), null);
        RecurrentLayer.Output second = layer.forward(x.slice(1, 3, 6), first.last());
        assertClose("continued", second.outputs(), out.outputs().slice(1, 3, 6), 1e-6, 1e-6);
    }

    @Test
    void detachingTheStateStopsTheGradient() {
        var layer = RecurrentLayer.of(RecurrentCell.Kind.LSTM, 2, 3, new SplittableRandom(5));
        Tensor x = Tensor.randn(8, 1, 4, 2).requiresGrad(true);
        HiddenState carried = layer.forward(x, null).last().detach();
        assertThat(carried.h().requiresGrad()).isFalse();
        assertThat(carried.c().requiresGrad()).isFalse();
        layer.forward(Tensor.randn(9, 1, 4, 2), carried).outputs().sum().backward();
        assertThat(x.hasGrad()).as("no gradient crosses the batch boundary").isFalse();
    }

    @Test
    void theForgetBiasTrickSetsTheSecondGateBlock() {
        var cell = new LstmCell(2, 3, new SplittableRandom(6)).forgetBias(1f);
        float[] input = cell.input().bias().toArray(), recurrent = cell.recurrent().bias().toArray();
        for (int j = 3; j < 6; j++) {
            assertThat(input[j]).isEqualTo(1f);
            assertThat(recurrent[j]).isZero();
        }
        assertThat(input[0]).isNotEqualTo(1f);
    }

    @Test
    void badShapesAreRejected() {
        var layer = RecurrentLayer.of(RecurrentCell.Kind.GRU, 3, 4, new SplittableRandom(7));
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(2, 5, 2), null)).hasMessageContaining("(B, T, 3)");
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(2, 5, 3), layer.cell().zeroState(3)))
                .hasMessageContaining("for 3 sequences but the input has 2");
        assertThatThrownBy(() -> new RnnCell(0, 4, new SplittableRandom(1))).hasMessageContaining("positive");
    }

    @Test
    void anLstmStateWithoutACellStateIsRejected() {
        var cell = new LstmCell(3, 4, new SplittableRandom(8));
        assertThatThrownBy(() -> cell.forward(Tensor.zeros(2, 3), HiddenState.of(Tensor.zeros(2, 4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no cell state c");
        var layer = new RecurrentLayer(cell);
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(2, 5, 3), HiddenState.of(Tensor.zeros(2, 4))))
                .hasMessageContaining("zeroState(B)");
    }
}
