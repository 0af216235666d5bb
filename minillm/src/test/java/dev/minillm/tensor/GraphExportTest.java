package dev.minillm.tensor;

import dev.minillm.common.Tools;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

class GraphExportTest {

    /** The micrograd example: L = (a·b + c)·f. */
    private static Tensor example() {
        Tensor a = Tensor.scalar(2).requiresGrad(true).named("a"), b = Tensor.scalar(-3).requiresGrad(true).named("b");
        Tensor c = Tensor.scalar(10).requiresGrad(true).named("c"), f = Tensor.scalar(-2).requiresGrad(true).named("f");
        return a.mul(b).add(c).mul(f).named("L");
    }

    @Test
    void dotTextHasABoxPerTensorAnOvalPerOpAndForwardArrows() {
        Tensor loss = example();
        String dot = GraphExport.dot(loss);
        assertThat(dot).startsWith("digraph computation {\n  rankdir=LR;");
        assertThat(dot.lines().filter(l -> l.contains("shape=record"))).hasSize(7); // 4 leaves, 2 intermediates, L
        assertThat(dot.lines().filter(l -> l.contains("shape=ellipse"))).hasSize(3);
        assertThat(dot).contains("label=\"{a|data\\ 2.0000}\"", "label=\"mul\"", "label=\"add\"");
        assertThat(dot.lines().filter(l -> l.contains("->"))).hasSize(9); // 6 inputs into ops + 3 ops into outputs
        assertThat(dot).endsWith("}\n");
    }

    @Test
    void afterBackwardTheBoxesShowGradients() {
        Tensor loss = example();
        loss.backward();
        String dot = GraphExport.dot(loss);
        assertThat(dot).contains("{a|data\\ 2.0000|grad\\ 6.0000}", "{f|data\\ -2.0000|grad\\ 4.0000}");
    }

    @Test
    void largeTensorsShowTheirShapeAndLabelsAreEscaped() {
        Tensor w = Tensor.ones(3, 4).requiresGrad(true).named("w{0}|<x>");
        String dot = GraphExport.dot(w.sum());
        assertThat(dot).contains("w\\{0\\}\\|\\<x\\>|[3,\\ 4]}");
        assertThat(dot).doesNotContain("data\\ 1.0000\\ 1.0000\\ 1.0000\\ 1.0000\\ 1.0000");
    }

    @Test
    void graphvizDrawsTheGraph() {
        Tools.require(GraphExport.graphvizInstalled(), "Graphviz: sudo apt-get install graphviz");
        BufferedImage image = GraphExport.render(example()).orElseThrow();
        assertThat(image.getWidth()).isGreaterThan(100);
        assertThat(image.getHeight()).isGreaterThan(50);
    }
}
