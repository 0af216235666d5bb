package dev.minillm.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.function.BinaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ValueTest {

    @Test
    void gradientsOfASmallExpressionMatchTheHandDerivedOnes() {
        Value a = new Value(2).label("a"), b = new Value(-3).label("b"), c = new Value(10).label("c");
        Value f = new Value(-2).label("f");
        Value d = a.mul(b).add(c);  // d = ab + c = 4
        Value loss = d.mul(f);      // L = d·f = -8
        loss.backward();
        assertThat(loss.data()).isEqualTo(-8);
        assertThat(a.grad()).isEqualTo(6);   // dL/da = f·b
        assertThat(b.grad()).isEqualTo(-4);  // dL/db = f·a
        assertThat(c.grad()).isEqualTo(-2);  // dL/dc = f
        assertThat(f.grad()).isEqualTo(4);   // dL/df = d
    }

    @Test
    void microgradsSanityCheckGivesTheSameNumbers() {
        // The expression from micrograd's test suite, where PyTorch gives y = -20 and dy/dx = 46.
        Value x = new Value(-4);
        Value z = x.mul(2).add(2).add(x);
        Value q = z.relu().add(z.mul(x));
        Value h = z.mul(z).relu();
        Value y = h.add(q).add(q.mul(x));
        y.backward();
        assertThat(y.data()).isEqualTo(-20);
        assertThat(x.grad()).isEqualTo(46);
    }

    @Test
    void aValueUsedTwiceCollectsBothGradients() {
        Value a = new Value(3);
        Value b = a.add(a);   // db/da = 2, not 1: the grads add up
        b.backward();
        assertThat(a.grad()).isEqualTo(2);
        Value c = a.mul(a);   // a second backward adds on top until zeroGrad
        c.backward();
        assertThat(a.grad()).isEqualTo(2 + 6);
        a.zeroGrad();
        assertThat(a.grad()).isZero();
    }

    @Test
    void aLongChainDoesNotOverflowTheStack() {
        List<Value> terms = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            terms.add(new Value(i));
        }
        Value total = Value.sum(terms);
        total.backward();
        assertThat(total.data()).isEqualTo(99_999L * 100_000 / 2.0);
        assertThat(terms).allSatisfy(t -> assertThat(t.grad()).isEqualTo(1));
    }

    @Test
    void everyUnaryOperationMatchesFiniteDifferences() {
        checkUnary("exp", Value::exp, Math::exp, -1.5, 0.3, 2);
        checkUnary("log", Value::log, Math::log, 0.2, 1, 5);
        checkUnary("tanh", Value::tanh, Math::tanh, -2, 0.1, 1.3);
        checkUnary("relu", Value::relu, x -> Math.max(0, x), -1, 0.5, 3);
        checkUnary("neg", Value::neg, x -> -x, -1, 2);
        checkUnary("pow 3", v -> v.pow(3), x -> x * x * x, -1.2, 0.7, 2);
        checkUnary("pow -0.5", v -> v.pow(-0.5), x -> Math.pow(x, -0.5), 0.3, 4);
    }

    @Test
    void everyBinaryOperationMatchesFiniteDifferences() {
        checkBinary("add", Value::add, Double::sum, 1.5, -0.5);
        checkBinary("sub", Value::sub, (x, y) -> x - y, 1.5, -0.5);
        checkBinary("mul", Value::mul, (x, y) -> x * y, 1.5, -0.5);
        checkBinary("div", Value::div, (x, y) -> x / y, 1.5, -0.5);
    }

    @Property(tries = 200)
    void aCompositeExpressionMatchesFiniteDifferences(@ForAll @DoubleRange(min = -2, max = 2) double x,
                                                      @ForAll @DoubleRange(min = 0.5, max = 3) double y) {
        // f(x, y) = tanh(x·y + e^x / y) − log(y²) + (x − y)²
        BinaryOperator<Value> f = (a, b) -> a.mul(b).add(a.exp().div(b)).tanh().sub(b.pow(2).log()).add(a.sub(b).pow(2));
        DoubleBinaryOperator plain = (a, b) -> Math.tanh(a * b + Math.exp(a) / b) - Math.log(b * b) + (a - b) * (a - b);
        checkBinary("composite", f, plain, x, y);
    }

    @Test
    void aTinyNetworkLearnsItsFourExamples() {
        // micrograd's demo: 3 inputs → 4 → 4 → 1 with tanh, fitted to four targets by gradient descent.
        double[][] xs = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
        double[] ys = {1, -1, -1, 1};
        var network = new Mlp(3, new int[] {4, 4, 1}, new SplittableRandom(42));
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 100; step++) {
            List<Value> errors = new ArrayList<>();
            for (int i = 0; i < xs.length; i++) {
                errors.add(network.apply(xs[i]).sub(ys[i]).pow(2));
            }
            Value loss = Value.sum(errors);
            network.parameters().forEach(Value::zeroGrad);
            loss.backward();
            for (Value p : network.parameters()) {
                p.setData(p.data() - 0.05 * p.grad());
            }
            if (step == 0) first = loss.data();
            last = loss.data();
        }
        assertThat(last).as("loss after 100 steps, from %.3f", first).isLessThan(first / 10).isLessThan(0.1);
    }

    @Test
    void theGraphExportsToDot() {
        Value a = new Value(2).label("a"), b = new Value(-3).label("b");
        Value c = a.mul(b).label("c");
        c.backward();
        assertThat(c.toDot()).isEqualTo("""
                digraph value {
                  rankdir=LR;
                  node [fontname="monospace"];
                  v0 [shape=record, label="{ a | data 2.0000 | grad -3.0000 }"];
                  v1 [shape=record, label="{ b | data -3.0000 | grad 2.0000 }"];
                  v2 [shape=record, label="{ c | data -6.0000 | grad 1.0000 }"];
                  op2 [shape=circle, label="*"];
                  op2 -> v2;
                  v0 -> op2;
                  v1 -> op2;
                }
                """);
        assertThat(new Value(1).label("x|{y}").toDot()).contains("x\\|\\{y\\} | data 1.0000");
    }

    /** A neuron: tanh(w·x + b), with weights drawn uniformly in [-1, 1). */
    record Neuron(List<Value> weights, Value bias) {
        Neuron(int inputs, SplittableRandom random) {
            this(new ArrayList<>(), new Value(random.nextDouble(-1, 1)));
            for (int i = 0; i < inputs; i++) {
                weights.add(new Value(random.nextDouble(-1, 1)));
            }
        }

        Value apply(List<Value> x) {
            Value sum = bias;
            for (int i = 0; i < x.size(); i++) {
                sum = sum.add(weights.get(i).mul(x.get(i)));
            }
            return sum.tanh();
        }
    }

    /** Layers of neurons, each layer's outputs the next one's inputs. */
    record Mlp(List<List<Neuron>> layers) {
        Mlp(int inputs, int[] sizes, SplittableRandom random) {
            this(new ArrayList<>());
            for (int size : sizes) {
                List<Neuron> layer = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    layer.add(new Neuron(inputs, random));
                }
                layers.add(layer);
                inputs = size;
            }
        }

        Value apply(double[] input) {
            List<Value> x = new ArrayList<>();
            for (double v : input) {
                x.add(new Value(v));
            }
            for (List<Neuron> layer : layers) {
                List<Value> next = new ArrayList<>();
                for (Neuron neuron : layer) {
                    next.add(neuron.apply(x));
                }
                x = next;
            }
            return x.getFirst();
        }

        List<Value> parameters() {
            List<Value> parameters = new ArrayList<>();
            for (List<Neuron> layer : layers) {
                for (Neuron neuron : layer) {
                    parameters.addAll(neuron.weights());
                    parameters.add(neuron.bias());
                }
            }
            return parameters;
        }
    }

    private static final double H = 1e-6;

    private static void checkUnary(String name, UnaryOperator<Value> op, DoubleUnaryOperator plain, double... xs) {
        for (double x : xs) {
            Value v = new Value(x);
            Value out = op.apply(v);
            out.backward();
            assertThat(out.data()).as("%s(%s)", name, x).isCloseTo(plain.applyAsDouble(x), within(1e-12));
            double numeric = (plain.applyAsDouble(x + H) - plain.applyAsDouble(x - H)) / (2 * H);
            assertThat(v.grad()).as("d %s / dx at %s", name, x).isCloseTo(numeric, within(1e-5 * (1 + Math.abs(numeric))));
        }
    }

    private static void checkBinary(String name, BinaryOperator<Value> op, DoubleBinaryOperator plain, double x, double y) {
        Value a = new Value(x), b = new Value(y);
        Value out = op.apply(a, b);
        out.backward();
        assertThat(out.data()).as("%s(%s, %s)", name, x, y).isCloseTo(plain.applyAsDouble(x, y), within(1e-9));
        double dx = (plain.applyAsDouble(x + H, y) - plain.applyAsDouble(x - H, y)) / (2 * H);
        double dy = (plain.applyAsDouble(x, y + H) - plain.applyAsDouble(x, y - H)) / (2 * H);
        assertThat(a.grad()).as("d %s / dx at (%s, %s)", name, x, y).isCloseTo(dx, within(1e-5 * (1 + Math.abs(dx))));
        assertThat(b.grad()).as("d %s / dy at (%s, %s)", name, x, y).isCloseTo(dy, within(1e-5 * (1 + Math.abs(dy))));
    }

    @Test
    void callingBackwardTwiceAccumulatesOnlyInTheLeaves() {
        var x = new Value(3);
        var y = x.mul(x).add(x); // dy/dx = 2x + 1 = 7
        y.backward();
        assertThat(x.grad()).isEqualTo(7);
        y.backward();
        assertThat(x.grad()).as("leaves accumulate, inner nodes start again from zero").isEqualTo(14);
    }
}
