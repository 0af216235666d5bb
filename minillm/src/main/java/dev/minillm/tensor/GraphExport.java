package dev.minillm.tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Draws the computation graph (计算图) behind a tensor in the Graphviz DOT language: a box per
 * tensor (name, shape, and the values and gradient when small), an oval per op, arrows in the
 * direction of the forward pass. Backpropagation walks the arrows the other way.
 *
 * <pre>{@code
 * String dot = GraphExport.dot(loss);                 // always available
 * GraphExport.render(loss).orElse(null);              // a picture, when Graphviz's `dot` is installed
 * }</pre>
 */
public final class GraphExport {

    /** Tensors with at most this many elements show their numbers. */
    static final int MAX_SHOWN = 4;
    private static volatile Boolean graphvizInstalled;

    private GraphExport() {}

    /** The graph that computed {@code root}, as DOT text (render it with {@code dot -Tpng}). */
    public static String dot(Tensor root) {
        List<Tensor> order = Autograd.graph(root);
        Map<Tensor, String> ids = new IdentityHashMap<>();
        var dot = new StringBuilder("digraph computation {\n")
                .append("  rankdir=LR;\n")
                .append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        for (Tensor t : order) {
            String id = "t" + ids.size();
            ids.put(t, id);
            String fill = t == root ? "#c8e6c9" : t.isLeaf() && t.requiresGrad ? "#bbdefb" : "#ffffff";
            dot.append("  ").append(id).append(" [shape=record, style=filled, fillcolor=\"").append(fill)
                    .append("\", label=\"{").append(label(t)).append("}\"];\n");
            if (t.node != null) {
                dot.append("  ").append(id).append("_op [shape=ellipse, label=\"").append(escape(t.node.op()))
                        .append("\"];\n");
                for (Tensor input : t.inputs()) {
                    dot.append("  ").append(ids.get(input)).append(" -> ").append(id).append("_op;\n");
                }
                dot.append("  ").append(id).append("_op -> ").append(id).append(";\n");
            }
        }
        return dot.append("}\n").toString();
    }

    /** One box: name, shape, and data and gradient when there are few numbers, micrograd style. */
    private static String label(Tensor t) {
        var fields = new java.util.ArrayList<String>();
        if (t.name != null) {
            fields.add(t.name);
        }
        if (t.rank() > 0) { // a scalar's shape [] says nothing
            fields.add(Shapes.str(t.shape));
        }
        if (t.size() <= MAX_SHOWN) {
            fields.add("data " + numbers(t.toArray()));
            if (t.grad != null) {
                fields.add("grad " + numbers(t.grad));
            }
        } else if (t.grad != null) {
            fields.add("has grad");
        }
        return String.join("|", fields.stream().map(GraphExport::escape).toList());
    }

    private static String numbers(float[] values) {
        var text = new StringBuilder();
        for (float v : values) {
            text.append(text.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.4f", v));
        }
        return text.toString();
    }

    /** Characters that mean something inside a record label get a backslash. */
    private static String escape(String text) {
        return text.replaceAll("([\\\\{}|<>\" ])", "\\\\$1");
    }

    /** True when Graphviz's {@code dot} command runs on this machine. */
    public static boolean graphvizInstalled() {
        if (graphvizInstalled == null) {
            try {
                Process process = new ProcessBuilder("dot", "-V").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                graphvizInstalled = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                graphvizInstalled = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return graphvizInstalled;
    }

    /**
     * The graph drawn by Graphviz as an image (notebooks show a {@link BufferedImage} that ends a
     * cell), or empty when Graphviz is not installed ({@code sudo apt-get install graphviz}).
     */
    public static Optional<BufferedImage> render(Tensor root) {
        if (!graphvizInstalled()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder("dot", "-Tpng").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(dot(root).getBytes(StandardCharsets.UTF_8));
            }
            byte[] png = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Graphviz's dot failed to draw the graph (exit code "
                        + (process.isAlive() ? "none, timed out" : process.exitValue()) + ")");
            }
            return Optional.of(ImageIO.read(new ByteArrayInputStream(png)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run Graphviz's dot: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing the graph", e);
        }
    }
}
