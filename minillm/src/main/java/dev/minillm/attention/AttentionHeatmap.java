package dev.minillm.attention;

import dev.minillm.tensor.Tensor;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Attention weights as pictures: one square per (query, key) pair, darker where the query looks
 * more at the key, with the tokens as labels (queries down the left, keys along the top). A
 * causal head is a lower triangle; a head that looks at the previous token is a dark line just
 * below the diagonal. Notebooks show the returned {@link BufferedImage} when it ends a cell.
 *
 * <pre>{@code
 * var out = attention.forwardWithWeights(x, null);                 // weights (B, nh, T, T)
 * AttentionHeatmap.heads(out.weights().select(0, 0), tokens, 4);   // every head of sequence 0
 * }</pre>
 */
public final class AttentionHeatmap {

    /** The darkest colour, for weight 1 (ColorBrewer's darkest blue); weight 0 is white. */
    private static final Color FULL = new Color(8, 48, 107);
    private static final int MAX_LABEL = 12;

    private AttentionHeatmap() {}

    /** One head of self-attention: weights (T, T), one token per position. */
    public static BufferedImage draw(Tensor weights, List<String> tokens, String title) {
        return draw(weights, tokens, tokens, title);
    }

    /**
     * One head: weights (Tq, Tk) with values in [0, 1], the query tokens for the rows and the key
     * tokens for the columns (null for position numbers).
     *
     * @throws IllegalArgumentException if the weights are not a matrix or the labels do not match its size
     */
    public static BufferedImage draw(Tensor weights, List<String> queryTokens, List<String> keyTokens, String title) {
        if (weights.rank() != 2) {
            throw new IllegalArgumentException("AttentionHeatmap.draw: needs one head's weights (Tq, Tk), got shape "
                    + Arrays.toString(weights.shape()) + (weights.rank() > 2
                    ? "; pick one with select, e.g. weights.select(0, sequence).select(0, head), or use heads(...)" : ""));
        }
        int rows = weights.shape(0), columns = weights.shape(1);
        List<String> rowLabels = labels("query", queryTokens, rows), columnLabels = labels("key", keyTokens, columns);
        float[] w = weights.toArray();

        int cell = Math.clamp(360 / Math.max(rows, columns), 4, 32);
        boolean labelled = cell >= 8;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.clamp(cell - 3, 8, 12));
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
        FontMetrics metrics = metrics(font), titleMetrics = metrics(titleFont);
        int rowLabelWidth = labelled ? widest(metrics, rowLabels) + 6 : 4;
        int columnLabelHeight = labelled ? widest(metrics, columnLabels) + 6 : 4;
        int titleHeight = title == null || title.isEmpty() ? 4 : titleMetrics.getHeight() + 6;
        int left = rowLabelWidth + 4, top = titleHeight + columnLabelHeight, bar = 40;
        int width = Math.max(left + columns * cell + bar, titleMetrics.stringWidth(title == null ? "" : title) + 8);
        int height = top + rows * cell + 8;

        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            if (titleHeight > 4) {
                g.setColor(Color.BLACK);
                g.setFont(titleFont);
                g.drawString(title, 4, titleMetrics.getAscent() + 3);
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    g.setColor(shade(w[i * columns + j]));
                    g.fillRect(left + j * cell, top + i * cell, cell, cell);
                }
            }
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(left, top, columns * cell, rows * cell);
            if (labelled) {
                g.setColor(Color.DARK_GRAY);
                g.setFont(font);
                int baseline = (cell + metrics.getAscent() - metrics.getDescent()) / 2;
                for (int i = 0; i < rows; i++) { // queries, right-aligned against the grid
                    String label = rowLabels.get(i);
                    g.drawString(label, left - 4 - metrics.stringWidth(label), top + i * cell + baseline);
                }
                AffineTransform straight = g.getTransform();
                for (int j = 0; j < columns; j++) { // keys, written upwards above their column
                    g.setTransform(straight);
                    g.translate(left + j * cell + baseline, top - 4);
                    g.rotate(-Math.PI / 2);
                    g.drawString(columnLabels.get(j), 0, 0);
                }
                g.setTransform(straight);
            }
            drawColourBar(g, left + columns * cell + 12, top, Math.max(rows * cell, 40), metrics);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Every self-attention head of one sequence, in a grid of {@code perRow} panels: weights
     * (nh, T, T), e.g. {@code out.weights().select(0, sequence)}.
     */
    public static BufferedImage heads(Tensor weights, List<String> tokens, int perRow) {
        return heads(weights, tokens, tokens, perRow);
    }

    /** Every head of one sequence, weights (nh, Tq, Tk), with query and key tokens (null for position numbers). */
    public static BufferedImage heads(Tensor weights, List<String> queryTokens, List<String> keyTokens, int perRow) {
        if (weights.rank() != 3) {
            throw new IllegalArgumentException("AttentionHeatmap.heads: needs one sequence's weights (nh, Tq, Tk), got shape "
                    + Arrays.toString(weights.shape()) + (weights.rank() == 4 ? "; pick a sequence: weights.select(0, b)" : ""));
        }
        if (perRow < 1) {
            throw new IllegalArgumentException("AttentionHeatmap.heads: perRow must be positive, got " + perRow);
        }
        int heads = weights.shape(0);
        List<BufferedImage> panels = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            panels.add(draw(weights.select(0, h), queryTokens, keyTokens, "head " + h));
        }
        int panelWidth = panels.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int panelHeight = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        int across = Math.min(perRow, heads), down = (heads + across - 1) / across;
        var grid = new BufferedImage(across * panelWidth, down * panelHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int h = 0; h < heads; h++) {
                g.drawImage(panels.get(h), (h % across) * panelWidth, (h / across) * panelHeight, null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /** White at 0, dark blue at 1, linear in between (weights outside [0, 1] are clamped). */
    static Color shade(float weight) {
        float t = Float.isNaN(weight) ? 0f : Math.clamp(weight, 0f, 1f);
        return new Color(Math.round(255 + t * (FULL.getRed() - 255)), Math.round(255 + t * (FULL.getGreen() - 255)),
                Math.round(255 + t * (FULL.getBlue() - 255)));
    }

    /** The labels to print: the tokens with whitespace made visible and long ones cut, or position numbers. */
    private static List<String> labels(String what, List<String> tokens, int count) {
        if (tokens == null) {
            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                numbers.add(Integer.toString(i));
            }
            return numbers;
        }
        if (tokens.size() != count) {
            throw new IllegalArgumentException("AttentionHeatmap: " + tokens.size() + " " + what + " tokens for " + count
                    + " " + what + " positions; give one token per position");
        }
        return tokens.stream().map(AttentionHeatmap::visible).toList();
    }

    private static String visible(String token) {
        String shown = token.replace(" ", "·").replace("\n", "\\n").replace("\t", "\\t");
        return shown.length() > MAX_LABEL ? shown.substring(0, MAX_LABEL - 1) + "…" : shown;
    }

    private static void drawColourBar(Graphics2D g, int x, int y, int height, FontMetrics metrics) {
        for (int k = 0; k < height; k++) {
            g.setColor(shade(1f - (float) k / (height - 1)));
            g.drawLine(x, y + k, x + 8, y + k);
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(metrics.getFont());
        g.drawString("1", x + 11, y + metrics.getAscent());
        g.drawString("0", x + 11, y + height);
    }

    private static FontMetrics metrics(Font font) {
        var scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    private static int widest(FontMetrics metrics, List<String> labels) {
        return labels.stream().mapToInt(metrics::stringWidth).max().orElse(0);
    }
}
