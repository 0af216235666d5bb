package dev.minillm.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SGD, Adam, AdamW, parameter groups and gradient clipping (PyTorch agreement: {@link GoldenTest}). */
class OptimizerTest {

    /** A parameter with the given values whose gradient is set by hand. */
    private static Tensor parameter(float... values) {
        return Tensor.vector(values).requiresGrad(true);
    }

    private static void setGrad(Tensor p, float... grad) {
        p.grad = grad.clone();
    }

    @Test
    void sgdStepsAgainstTheGradient() {
        Tensor p = parameter(1, 2);
        var sgd = new Optimizer.SGD(List.of(p), 0.1f, 0f);
        setGrad(p, 10, -20);
        sgd.step();
        assertThat(p.toArray()).containsExactly(0f, 4f);
        assertThat(sgd.steps()).isEqualTo(1);
    }

    @Test
    void momentumAddsUpPastGradients() {
        Tensor p = parameter(0);
        var sgd = new Optimizer.SGD(List.of(p), 1f, 0.5f);
        setGrad(p, 1);
        sgd.step(); // v = 1
        setGrad(p, 1);
        sgd.step(); // v = 0.5·1 + 1 = 1.5
        assertThat(p.item()).isEqualTo(-2.5f);
    }

    @Test
    void adamsFirstStepMovesEveryParameterByTheLearningRate() {
        Tensor p = parameter(1, 1, 1);
        var adam = new Optimizer.Adam(List.of(p), 0.01f);
        setGrad(p, 1000, -0.001f, 3); // m̂/√v̂ = g/|g|: the size of the gradient does not matter
        adam.step();
        assertThat(p.get(0)).isCloseTo(0.99f, within(1e-6f));
        assertThat(p.get(1)).isCloseTo(1.01f, within(1e-5f));
        assertThat(p.get(2)).isCloseTo(0.99f, within(1e-6f));
    }

    @Test
    void adamWDecaysDecoupledFromTheGradientAndOnlyInItsGroup() {
        Tensor matrix = Tensor.full(2, 2, 2).requiresGrad(true), bias = parameter(2, 2);
        var groups = Optimizer.ParamGroup.decayMatricesOnly(List.of(matrix, bias), 0.5f);
        assertThat(groups.get(0).parameters()).containsExactly(matrix);
        assertThat(groups.get(1).parameters()).containsExactly(bias);
        assertThat(groups.get(1).weightDecay()).isZero();
        var adamW = new Optimizer.AdamW(groups, 0.1f);
        setGrad(matrix, 0, 0, 0, 0); // no gradient signal: only the decay moves it
        setGrad(bias, 0, 0);
        adamW.step();
        assertThat(matrix.toArray()).containsOnly(2 * (1 - 0.1f * 0.5f));
        assertThat(bias.toArray()).containsOnly(2f);
    }

    @Test
    void adamWithL2WeightDecayIsNotAdamW() {
        Tensor a = parameter(2), b = parameter(2);
        var adam = new Optimizer.Adam(List.of(a), 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f);
        var adamW = new Optimizer.AdamW(List.of(new Optimizer.ParamGroup(List.of(b), 0.5f)), 0.1f);
        setGrad(a, 0);
        setGrad(b, 0);
        adam.step();  // the decay enters as a gradient 0.5·2 = 1, scaled to a full step of lr
        adamW.step(); // the decay shrinks by lr·λ·p = 0.1
        assertThat(a.item()).isCloseTo(1.9f, within(1e-5f));
        assertThat(b.item()).isCloseTo(1.9f, within(1e-6f));
        setGrad(a, 0);
        setGrad(b, 0);
        adam.step();
        adamW.step();
        assertThat(a.item()).isNotCloseTo(b.item(), within(1e-3f));
    }

    @Test
    void parametersWithoutAGradientAreLeftAlone() {
        Tensor used = parameter(1), unused = parameter(1);
        var adamW = new Optimizer.AdamW(List.of(new Optimizer.ParamGroup(List.of(used, unused), 0.1f)), 0.1f);
        setGrad(used, 1);
        adamW.step();
        assertThat(unused.item()).isEqualTo(1);
        assertThat(used.item()).isLessThan(1);
        adamW.zeroGrad();
        assertThat(used.hasGrad()).isFalse();
    }

    @Test
    void clippingScalesAllGradientsTogether() {
        Tensor a = parameter(0, 0), b = parameter(0);
        setGrad(a, 3, 0);
        setGrad(b, 4); // global norm 5
        assertThat(Optimizer.clipGradNorm(List.of(a, b), 10)).isEqualTo(5f);
        assertThat(a.grad().toArray()).containsExactly(3, 0);
        assertThat(Optimizer.clipGradNorm(List.of(a, b), 1)).isEqualTo(5f);
        assertThat(a.grad().get(0)).isCloseTo(0.6f, within(1e-6f));
        assertThat(b.grad().get(0)).isCloseTo(0.8f, within(1e-6f));
    }

    @Test
    void aRestoredStateContinuesExactlyWhereTheOldOptimizerWas() {
        Tensor a = parameter(1, -2), b = parameter(0.5f, 3);
        var first = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(List.of(a), 0.1f), 0.01f);
        for (int i = 0; i < 3; i++) {
            setGrad(a, 0.3f * i, -1f);
            first.step();
        }
        var state = first.stateDict();
        assertThat(state.keySet()).containsExactly("steps", "0.updates", "0.m", "0.v");
        b.data[0] = a.get(0);
        b.data[1] = a.get(1);
        var second = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(List.of(b), 0.1f), 0.01f);
        second.loadStateDict(state);
        assertThat(second.steps()).isEqualTo(3);
        setGrad(a, 2f, 0.5f);
        setGrad(b, 2f, 0.5f);
        first.step();
        second.step();
        assertThat(b.toArray()).containsExactly(a.toArray());

        var sgd = new Optimizer.SGD(List.of(parameter(1, 2, 3)), 0.1f, 0.9f);
        assertThatThrownBy(() -> sgd.loadStateDict(state)).hasMessageContaining("entries this optimizer does not know");
        var wrongShape = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(List.of(parameter(1, 2, 3)), 0f), 0.01f);
        assertThatThrownBy(() -> wrongShape.loadStateDict(state)).hasMessageContaining("'0.m' has shape [2]")
                .hasMessageContaining("parameter 0 has shape [3]");
        assertThatThrownBy(() -> sgd.loadStateDict(java.util.Map.of())).hasMessageContaining("no scalar 'steps'");
    }

    @Test
    void theLearningRateCanChangeBetweenSteps() {
        Tensor p = parameter(0);
        var sgd = new Optimizer.SGD(List.of(p), 1f, 0f);
        sgd.setLearningRate(0.25f);
        assertThat(sgd.learningRate()).isEqualTo(0.25f);
        setGrad(p, 1);
        sgd.step();
        assertThat(p.item()).isEqualTo(-0.25f);
    }

    @Test
    void badParametersAreRefused() {
        Tensor p = parameter(1, 2);
        assertThatThrownBy(() -> new Optimizer.SGD(List.of(p.mul(2)), 0.1f, 0))
                .hasMessageContaining("dense leaf tensors; got the output of op 'mul'");
        assertThatThrownBy(() -> new Optimizer.Adam(List.of(p, p), 0.1f)).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> new Optimizer.ParamGroup(List.of(p), -1)).hasMessageContaining("weight decay must be >= 0");
    }

    @Test
    void adamWTrainsAnMlpOnXor() {
        var random = new SplittableRandom(42);
        var hidden = new Linear(2, 8, random);
        var output = new Linear(8, 2, random);
        List<Tensor> parameters = new java.util.ArrayList<>(hidden.parameters());
        parameters.addAll(output.parameters());
        var optimizer = new Optimizer.AdamW(Optimizer.ParamGroup.decayMatricesOnly(parameters, 0.01f), 0.05f);
        Tensor x = Tensor.matrix(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        int[] y = {0, 1, 1, 0};
        float loss = Float.NaN;
        for (int step = 0; step < 300; step++) {
            optimizer.zeroGrad();
            Tensor l = output.forward(hidden.forward(x).tanh()).crossEntropy(y);
            l.backward();
            Optimizer.clipGradNorm(parameters, 5);
            optimizer.step();
            loss = l.item();
        }
        assertThat(loss).isLessThan(0.02f);
    }
}
