package dev.minillm.tensor;

import java.util.Locale;

/**
 * {@link Tensor#toString()}: nested brackets as in PyTorch, one row per line, numbers padded to a
 * common width; more than {@value #SUMMARY_THRESHOLD} elements are summarised with "..." (the
 * first and last {@value #EDGE_ITEMS} entries of every axis).
 */
final class TensorFormat {

    static final int SUMMARY_THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {}

    static String format(Tensor t) {
        float[] values = t.toArray();
        boolean summarize = values.length > SUMMARY_THRESHOLD;
        Style style = Style.of(values);
        int width = 0;
        for (float v : values) {
            width = Math.max(width, style.format(v).length());
        }
        var text = new StringBuilder(PREFIX);
        if (t.rank() == 0) {
            text.append(style.format(values[0]));
        } else {
            appendAxis(text, values, t.shape, Shapes.contiguousStrides(t.shape), 0, 0, summarize, style, width);
        }
        if (summarize) {
            text.append(", shape=").append(Shapes.str(t.shape));
        }
        if (t.node != null) {
            text.append(", gradFn=").append(t.node.op());
        } else if (t.requiresGrad) {
            text.append(", requiresGrad=true");
        }
        if (t.name != null) {
            text.append(", name=").append(t.name);
        }
        return text.append(')').toString();
    }

    private static void appendAxis(StringBuilder text, float[] values, int[] shape, int[] strides, int axis, int base,
                                   boolean summarize, Style style, int width) {
        int n = shape[axis];
        boolean last = axis == shape.length - 1;
        text.append('[');
        for (int i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                text.append(last ? "..., " : "...," + "\n".repeat(shape.length - axis - 1) + " ".repeat(PREFIX.length() + axis + 1));
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            if (last) {
                String number = style.format(values[base + i]);
                text.append(" ".repeat(width - number.length())).append(number);
            } else {
                appendAxis(text, values, shape, strides, axis + 1, base + i * strides[axis], summarize, style, width);
            }
            if (i < n - 1) {
                // between rows: a line break, and a blank line per extra axis between blocks, as in PyTorch
                text.append(last ? ", " : "," + "\n".repeat(shape.length - axis - 1) + " ".repeat(PREFIX.length() + axis + 1));
            }
        }
        text.append(']');
    }

    /** How numbers look: "3." when all are whole, "0.1235" for moderate ones, "1.2346e-05" otherwise. */
    private enum Style {
        WHOLE, FIXED, SCIENTIFIC;

        static Style of(float[] values) {
            boolean whole = true;
            float maxAbs = 0, minAbs = Float.MAX_VALUE;
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    continue;
                }
                whole &= v == Math.rint(v) && Math.abs(v) < 1e8f;
                maxAbs = Math.max(maxAbs, Math.abs(v));
                if (v != 0) {
                    minAbs = Math.min(minAbs, Math.abs(v));
                }
            }
            if (whole) {
                return WHOLE;
            }
            return maxAbs >= 1e5f || minAbs < 1e-4f ? SCIENTIFIC : FIXED;
        }

        String format(float v) {
            if (Float.isNaN(v)) {
                return "nan";
            }
            if (Float.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return switch (this) {
                case WHOLE -> String.format(Locale.ROOT, "%.0f.", v);
                case FIXED -> String.format(Locale.ROOT, "%.4f", v);
                case SCIENTIFIC -> String.format(Locale.ROOT, "%.4e", v);
            };
        }
    }
}
