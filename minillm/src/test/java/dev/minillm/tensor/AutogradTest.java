package dev.minillm.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The graph machinery: the chain rule, accumulation, no-grad mode, retained gradients, anomaly mode. */
class AutogradTest {

    @Test
    void theChainRuleOnScalarsAsInMicrograd() {
        // L = (a·b + c)·f with a = 2, b = -3, c = 10, f = -2: dL/da = b·f = 6, dL/db = a·f = -4, dL/dc = f, dL/df = a·b + c
        Tensor a = Tensor.scalar(2).requiresGrad(true), b = Tensor.scalar(-3).requiresGrad(true);
        Tensor c = Tensor.scalar(10).requiresGrad(true), f = Tensor.scalar(-2).requiresGrad(true);
        Tensor loss = a.mul(b).add(c).mul(f);
        loss.backward();
        assertThat(loss.item()).isEqualTo(-8);
        assertThat(a.grad().item()).isEqualTo(6);
        assertThat(b.grad().item()).isEqualTo(-4);
        assertThat(c.grad().item()).isEqualTo(-2);
        assertThat(f.grad().item()).isEqualTo(4);
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        Tensor y = x.mul(x).add(x.exp().log()); // x² + x: dy/dx = 2x + 1
        y.backward();
        assertThat(x.grad().item()).isCloseTo(7, within(1e-5f));
    }

    @Test
    void leafGradientsAccumulateUntilZeroed() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        w.mul(3).sum().backward();
        w.mul(3).sum().backward();
        assertThat(w.grad().toArray()).containsExactly(6, 6);
        w.zeroGrad();
        assertThat(w.hasGrad()).isFalse();
        w.pow(2).sum().backward();
        assertThat(w.grad().toArray()).containsExactly(2, 4);
    }

    @Test
    void backwardTwiceOnOneGraphAccumulatesLeavesOnly() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        Tensor h = x.mul(2).retainGrad();
        Tensor loss = h.pow(2).sum();
        loss.backward();
        loss.backward();
        assertThat(x.grad().toArray()).containsExactly(16, 32); // 2 × (dL/dx = 8x)
        assertThat(h.grad().toArray()).containsExactly(4, 8);   // this pass's dL/dh = 2h, not doubled
    }

    @Test
    void intermediateGradientsAreDroppedUnlessRetained() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor hidden = x.mul(2), kept = x.mul(3).retainGrad();
        hidden.add(kept).sum().backward();
        assertThat(hidden.hasGrad()).isFalse();
        assertThat(kept.grad().toArray()).containsExactly(1, 1, 1);
        assertThatThrownBy(hidden::grad).hasMessageContaining("retainGrad()");
        assertThatThrownBy(() -> Tensor.ones(1).grad()).hasMessageContaining("requiresGrad(true)");
    }

    @Test
    void noGradRecordsNothingAndRestoresTheModeWhenClosed() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        assertThat(Autograd.isGradEnabled()).isTrue();
        try (var _ = Autograd.noGrad()) {
            Tensor y = w.mul(2);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.isLeaf()).isTrue();
            try (var _ = Autograd.noGrad()) {
                assertThat(Autograd.isGradEnabled()).isFalse();
            }
            assertThat(Autograd.isGradEnabled()).isFalse();
        }
        assertThat(Autograd.isGradEnabled()).isTrue();
        assertThat(w.mul(2).op()).isEqualTo("mul");
    }

    @Test
    void noGradIsPerThread() throws Exception {
        try (var executor = Executors.newSingleThreadExecutor(); var _ = Autograd.noGrad()) {
            Future<Boolean> other = executor.submit(Autograd::isGradEnabled);
            assertThat(other.get()).isTrue();
            assertThat(Autograd.isGradEnabled()).isFalse();
        }
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.vector(2, 3).requiresGrad(true);
        Tensor y = x.mul(x.detach()); // only the first factor carries a gradient: dy/dx = x
        y.sum().backward();
        assertThat(x.grad().toArray()).containsExactly(2, 3);
        assertThat(x.detach().requiresGrad()).isFalse();
    }

    @Test
    void gradientsFlowBackThroughViewsToTheirBase() {
        Tensor x = Tensor.arange(6).reshape(2, 3).requiresGrad(true);
        Tensor y = x.transpose().slice(0, 1, 3).mul(Tensor.vector(10, 100)); // (2, 2): x[0..1][1..2]ᵀ
        y.sum().backward();
        assertThat(x.grad().toMatrix()).isDeepEqualTo(new float[][] {{0, 10, 10}, {0, 100, 100}});
    }

    @Test
    void backwardExplainsWhatIsWrong() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2).backward()).hasMessageContaining("needs a scalar loss");
        assertThatThrownBy(() -> x.mul(2).backward(Tensor.ones(3))).hasMessageContaining("gradient has shape [3]");
        assertThatThrownBy(() -> Tensor.ones(2).sum().backward()).hasMessageContaining("does not require a gradient");
        assertThatThrownBy(() -> x.mul(2).requiresGrad(false)).hasMessageContaining("detach()");
    }

    @Test
    void backwardWithAGivenGradientComputesAVectorJacobianProduct() {
        Tensor x = Tensor.vector(1, 2, 3).requiresGrad(true);
        x.pow(2).backward(Tensor.vector(1, 0, -1));
        assertThat(x.grad().toArray()).containsExactly(2, 0, -6);
        Tensor leaf = Tensor.scalar(1).requiresGrad(true);
        leaf.backward();
        assertThat(leaf.grad().item()).isEqualTo(1);
    }

    @Test
    void aVeryDeepGraphDoesNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 50_000; i++) { // an RNN unrolled over a long text is this deep
            y = y.mul(1f);
        }
        y.backward();
        assertThat(x.grad().item()).isEqualTo(1);
    }

    @Test
    void inputsAndOpDescribeTheGraph() {
        Tensor a = Tensor.ones(2).requiresGrad(true), b = Tensor.ones(2);
        Tensor c = a.add(b);
        assertThat(c.op()).isEqualTo("add");
        assertThat(c.inputs()).containsExactly(a, b);
        assertThat(c.isLeaf()).isFalse();
        assertThat(a.inputs()).isEmpty();
        assertThat(Autograd.graph(c.sum())).hasSize(4);
    }

    @Test
    void anomalyModeNamesTheOpThatProducedNaN() {
        Tensor x = Tensor.vector(1, -1).requiresGrad(true);
        assertThat(x.log().toArray()[1]).isNaN(); // without anomaly mode: silently NaN
        try (var _ = Autograd.detectAnomalies()) {
            assertThat(Autograd.isDetectingAnomalies()).isTrue();
            assertThatThrownBy(() -> x.mul(2).log().sum())
                    .isInstanceOf(ArithmeticException.class)
                    .hasMessage("anomaly: op 'log' produced NaN at index [1] of its output (shape [2]; input shapes [2])");
            assertThatThrownBy(() -> x.div(Tensor.vector(1, 0)))
                    .hasMessageContaining("op 'div' produced -Inf at index [1]");
            assertThatThrownBy(() -> Tensor.vector(Float.NaN).add(1))
                    .hasMessageContaining("input 0 of op 'add' (shape [1]) already contains NaN");
        }
        assertThat(Autograd.isDetectingAnomalies()).isFalse();
    }

    @Test
    void anomalyModeNamesTheBackwardThatProducedInf() {
        Tensor x = Tensor.vector(0, 4).requiresGrad(true);
        Tensor loss = x.sqrt().sum(); // sqrt(0) = 0 is fine, its slope 1/(2·√0) is not
        try (var _ = Autograd.detectAnomalies()) {
            assertThatThrownBy(loss::backward).isInstanceOf(ArithmeticException.class)
                    .hasMessage("anomaly: the backward of op 'sqrt' produced +Inf in the gradient of its input 0 (shape [2]) at index [0]");
        }
    }
}
