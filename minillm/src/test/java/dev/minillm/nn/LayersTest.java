package dev.minillm.nn;

import dev.minillm.tensor.Dropout;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.LayerNorm;
import dev.minillm.tensor.Linear;
import dev.minillm.tensor.RMSNorm;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.minillm.nn.NnTestSupport.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/** Activation and Sequential: names, composition, train/eval, gradients. */
class LayersTest {

    @Test
    void everyActivationIsTheTensorOp() {
        Tensor x = Tensor.randn(1, 3, 4);
        assertClose("tanh", Activation.tanh().forward(x), x.tanh(), 0, 0);
        assertClose("sigmoid", Activation.sigmoid().forward(x), x.sigmoid(), 0, 0);
        assertClose("relu", Activation.relu().forward(x), x.relu(), 0, 0);
        assertClose("gelu", Activation.gelu().forward(x), x.gelu(), 0, 0);
        assertClose("silu", new Activation(Activation.Kind.SILU).forward(x), x.silu(), 0, 0);
        assertThat(new Activation(Activation.Kind.IDENTITY).forward(x)).isSameAs(x);
        assertThat(Activation.tanh().parameterCount()).isZero();
        assertThat(Activation.tanh().toString()).isEqualTo("Activation(tanh)");
    }

    @Test
    void sequentialNamesItsLayersLikePyTorchAndAppliesThemInOrder() {
        var random = new SplittableRandom(7);
        var fc1 = new Linear(4, 6, random);
        var fc2 = new Linear(6, 2, random);
        var model = new Sequential().add(fc1).add(Activation.tanh()).add(new LayerNorm(6)).add(fc2);
        assertThat(model.namedParameters().keySet())
                .containsExactly("0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias");
        assertThat(model.size()).isEqualTo(4);
        Tensor x = Tensor.randn(2, 5, 4);
        Tensor expected = fc2.forward(x.matmul(fc1.weight().transpose()).add(fc1.bias()).tanh()
                .layerNorm(Tensor.ones(6), Tensor.zeros(6), 1e-5f));
        assertClose("sequential", model.forward(x), expected, 1e-6, 1e-6);
        assertThat(new Sequential().forward(x)).as("an empty sequence is the identity").isSameAs(x);
    }

    @Test
    void nestedSequencesAndAnyLayerWithItsForwardMethod() {
        var random = new SplittableRandom(8);
        var inner = new Sequential().add(new Linear(3, 3, random)).add(new RMSNorm(3, 1e-6f));
        var model = new Sequential().add(inner).add(new Linear(3, 1, random), Linear::forward);
        assertThat(model.namedParameters().keySet()).containsExactly("0.0.weight", "0.0.bias", "0.1.weight",
                "1.weight", "1.bias");
        assertThat(model.forward(Tensor.randn(3, 4, 3)).shape()).containsExactly(4, 1);
    }

    @Test
    void dropoutInsideASequenceFollowsTrainAndEval() {
        var model = new Sequential().add(new Dropout(0.5f, new SplittableRandom(1)));
        Tensor x = Tensor.ones(1000);
        assertThat(model.forward(x).sum().item()).as("training: about half dropped, the rest doubled")
                .isBetween(800f, 1200f).isNotEqualTo(1000f);
        model.eval();
        assertThat(model.forward(x)).isSameAs(x);
    }

    @Test
    void sequentialGradientsPassAGradientCheck() {
        var random = new SplittableRandom(9);
        var model = new Sequential().add(new Linear(3, 5, random)).add(Activation.tanh()).add(new Linear(5, 2, random))
                .add(Activation.gelu());
        Tensor x = Tensor.randn(10, 4, 3).requiresGrad(true);
        Tensor[] inputs = new Tensor[model.parameters().size() + 1];
        inputs[0] = x;
        for (int i = 0; i < model.parameters().size(); i++) {
            inputs[i + 1] = model.parameters().get(i);
        }
        GradCheck.check(in -> model.forward(in[0]), inputs).orThrow();
    }
}
