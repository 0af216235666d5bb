package dev.minillm.nn;

import dev.minillm.tensor.Tensor;
import dev.minillm.tokenize.Tokenizer;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The geometry of learned embeddings: tokens used in similar contexts end up with similar
 * vectors. Two ways to look: the nearest neighbours of a token by cosine similarity (余弦相似度),
 * and a 2-D picture of all tokens by principal component analysis (主成分分析, PCA).
 *
 * <pre>{@code
 * Tensor table = model.embeddings();                              // (V, m)
 * EmbeddingGeometry.nearest(table, tokenizer, "a", 5);           // e.g. [e, o, i, u, y]: the vowels
 * var projection = EmbeddingGeometry.pca(table, 2);
 * Plots.image(EmbeddingGeometry.scatter(projection, EmbeddingGeometry.labels(tokenizer), "character embeddings"));
 * }</pre>
 */
public final class EmbeddingGeometry {

    /** A neighbour of a token: its id, its text, and the cosine of the angle between the two vectors. */
    public record Neighbour(int id, String token, double similarity) {}

    /**
     * The embeddings projected on their first principal components.
     *
     * @param points (V, k): row i is token i's coordinates
     * @param components (k, m): the unit directions, each with its largest entry positive
     * @param variances the variance along each direction (eigenvalues of the covariance), largest first
     * @param explained each direction's share of the total variance
     */
    public record Projection(double[][] points, double[][] components, double[] variances, double[] explained) {}

    private static final int MAX_ITERATIONS = 10_000;
    private static final double TOLERANCE = 1e-12;

    private EmbeddingGeometry() {}

    /** cos θ = a·b / (|a|·|b|), in [-1, 1]; 0 when either vector is zero. */
    public static double cosineSimilarity(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("cosine similarity: vectors of sizes " + a.length + " and " + b.length);
        }
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
    }

    /**
     * The {@code k} rows of {@code embeddings} (V, m) most similar to row {@code id}, most similar
     * first (ties by id), without the token itself.
     */
    public static List<Neighbour> nearest(Tensor embeddings, int id, int k, IntFunction<String> label) {
        float[][] rows = rows(embeddings);
        if (id < 0 || id >= rows.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the table of " + rows.length + " embeddings");
        }
        List<Neighbour> all = new ArrayList<>();
        for (int other = 0; other < rows.length; other++) {
            if (other != id) {
                all.add(new Neighbour(other, label.apply(other), cosineSimilarity(rows[id], rows[other])));
            }
        }
        all.sort(Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparingInt(Neighbour::id));
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /**
     * The {@code k} nearest neighbours of a token given as text, which must be exactly one token of the tokenizer.
     *
     * @throws IllegalArgumentException if the text is not a single token
     */
    public static List<Neighbour> nearest(Tensor embeddings, Tokenizer tokenizer, String token, int k) {
        int[] ids = tokenizer.encode(token);
        if (ids.length != 1) {
            throw new IllegalArgumentException("'" + token + "' is " + ids.length + " tokens for this tokenizer; "
                    + "nearest neighbours need exactly one token " + tokenizer.tokens(token));
        }
        return nearest(embeddings, ids[0], k, id -> readable(tokenizer.token(id)));
    }

    /** A table of neighbours: one row per query token, columns {@code token}, {@code 1}..{@code k} as "text (cos)". */
    public static Table nearestTable(Tensor embeddings, Tokenizer tokenizer, List<String> tokens, int k) {
        var query = StringColumn.create("token");
        List<StringColumn> columns = new ArrayList<>();
        for (int j = 1; j <= k; j++) {
            columns.add(StringColumn.create(Integer.toString(j)));
        }
        for (String token : tokens) {
            query.append(readable(token));
            List<Neighbour> neighbours = nearest(embeddings, tokenizer, token, k);
            for (int j = 0; j < k; j++) {
                columns.get(j).append(j < neighbours.size() ? String.format(java.util.Locale.ROOT, "%s (%.2f)",
                        neighbours.get(j).token(), neighbours.get(j).similarity()) : "");
            }
        }
        Table table = Table.create("nearest neighbours", query);
        columns.forEach(table::addColumns);
        return table;
    }

    /**
     * Principal component analysis of the rows of {@code embeddings} (V, m): the rows are centred,
     * and the top {@code k} eigenvectors of their covariance matrix C = XᵀX / (V - 1) are found by
     * power iteration with deflation: repeat v ← C·v / |C·v| until v stops changing; then remove
     * that direction from C (C ← C - λ·v·vᵀ) and repeat for the next. Deterministic: the start
     * vector is fixed, and each direction's sign is chosen so that its largest entry is positive.
     *
     * @throws IllegalArgumentException if k is not in [1, m] or there are fewer than 2 rows
     */
    public static Projection pca(Tensor embeddings, int k) {
        float[][] rows = rows(embeddings);
        int count = rows.length, dim = rows[0].length;
        if (k < 1 || k > dim || count < 2) {
            throw new IllegalArgumentException("pca: need 1 <= k <= " + dim + " components and at least 2 rows, got k="
                    + k + " with " + count + " rows");
        }
        double[] mean = new double[dim];
        for (float[] row : rows) {
            for (int j = 0; j < dim; j++) {
                mean[j] += row[j] / (double) count;
            }
        }
        double[][] centred = new double[count][dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) {
                centred[i][j] = rows[i][j] - mean[j];
            }
        }
        double[][] covariance = new double[dim][dim]; // (m, m), symmetric
        for (double[] x : centred) {
            for (int a = 0; a < dim; a++) {
                for (int b = a; b < dim; b++) {
                    covariance[a][b] += x[a] * x[b] / (count - 1);
                }
            }
        }
        double total = 0;
        for (int a = 0; a < dim; a++) {
            total += covariance[a][a];
            for (int b = 0; b < a; b++) {
                covariance[a][b] = covariance[b][a];
            }
        }
        double[][] components = new double[k][];
        double[] variances = new double[k], explained = new double[k];
        for (int c = 0; c < k; c++) {
            double[] v = topEigenvector(covariance);
            double lambda = dot(v, multiply(covariance, v));
            components[c] = v;
            variances[c] = Math.max(lambda, 0);
            explained[c] = total > 0 ? variances[c] / total : 0;
            for (int a = 0; a < dim; a++) { // deflate: the next power iteration finds the next direction
                for (int b = 0; b < dim; b++) {
                    covariance[a][b] -= lambda * v[a] * v[b];
                }
            }
        }
        double[][] points = new double[count][k];
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < k; c++) {
                points[i][c] = dot(centred[i], components[c]);
            }
        }
        return new Projection(points, components, variances, explained);
    }

    /** Power iteration on a symmetric positive semi-definite matrix: its eigenvector of the largest eigenvalue. */
    private static double[] topEigenvector(double[][] matrix) {
        int dim = matrix.length;
        double[] v = new double[dim];
        for (int j = 0; j < dim; j++) {
            v[j] = 1 + (double) j / dim; // fixed and with no symmetry, so rarely orthogonal to the answer
        }
        normalise(v);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] next = multiply(matrix, v);
            if (norm(next) < 1e-30) {
                break; // nothing left: the matrix is zero on what remains
            }
            normalise(next);
            double change = 0;
            for (int j = 0; j < dim; j++) {
                change = Math.max(change, Math.abs(next[j] - v[j]));
            }
            v = next;
            if (change < TOLERANCE) {
                break;
            }
        }
        int largest = 0;
        for (int j = 1; j < dim; j++) {
            if (Math.abs(v[j]) > Math.abs(v[largest])) {
                largest = j;
            }
        }
        if (v[largest] < 0) { // the sign of an eigenvector is arbitrary: fix it for repeatable pictures
            for (int j = 0; j < dim; j++) {
                v[j] = -v[j];
            }
        }
        return v;
    }

    /**
     * A scatter plot of the first two coordinates, each point labelled with its token.
     *
     * @param labels one label per row of the projection (see {@link #labels(Tokenizer)})
     */
    public static XYChart scatter(Projection projection, List<String> labels, String title) {
        double[][] points = projection.points();
        if (points.length != labels.size() || points[0].length < 2) {
            throw new IllegalArgumentException("scatter: needs 2 or more components and one label per point, got "
                    + points[0].length + " components, " + points.length + " points and " + labels.size() + " labels");
        }
        double[] x = new double[points.length], y = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            x[i] = points[i][0];
            y[i] = points[i][1];
        }
        String axis = "PC%d (%.0f%% of variance)";
        XYChart chart = new XYChartBuilder().width(720).height(600).title(title)
                .xAxisTitle(String.format(java.util.Locale.ROOT, axis, 1, 100 * projection.explained()[0]))
                .yAxisTitle(String.format(java.util.Locale.ROOT, axis, 2, 100 * projection.explained()[1]))
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(4);
        chart.addSeries("tokens", x, y).setMarker(SeriesMarkers.CIRCLE);
        double lift = 0.025 * (java.util.Arrays.stream(y).max().orElse(0) - java.util.Arrays.stream(y).min().orElse(0));
        for (int i = 0; i < points.length; i++) { // each label just above its point, so both stay readable
            chart.addAnnotation(new AnnotationText(labels.get(i), x[i], y[i] + lift, false));
        }
        return chart;
    }

    /** Every token of the tokenizer as a visible label (space as ␣, newline as ⏎), by id. */
    public static List<String> labels(Tokenizer tokenizer) {
        List<String> labels = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            labels.add(readable(tokenizer.token(id)));
        }
        return labels;
    }

    /** A token made visible: space → ␣, newline → ⏎, tab → ⇥. */
    public static String readable(String token) {
        return token.replace(" ", "␣").replace("\n", "⏎").replace("\t", "⇥");
    }

    /** The principal components' coordinates as a table: {@code id}, {@code token}, {@code pc1}, {@code pc2}, ... */
    public static Table table(Projection projection, List<String> labels) {
        var id = IntColumn.create("id");
        var token = StringColumn.create("token");
        int k = projection.points()[0].length;
        List<DoubleColumn> pcs = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            pcs.add(DoubleColumn.create("pc" + (c + 1)));
        }
        for (int i = 0; i < projection.points().length; i++) {
            id.append(i);
            token.append(labels.get(i));
            for (int c = 0; c < k; c++) {
                pcs.get(c).append(projection.points()[i][c]);
            }
        }
        Table table = Table.create("principal components", id, token);
        pcs.forEach(table::addColumns);
        return table;
    }

    private static float[][] rows(Tensor embeddings) {
        if (embeddings.rank() != 2 || embeddings.shape(0) == 0) {
            throw new IllegalArgumentException("expected an embedding table (V, m), got shape "
                    + java.util.Arrays.toString(embeddings.shape()));
        }
        return embeddings.toMatrix();
    }

    private static double[] multiply(double[][] matrix, double[] v) {
        double[] out = new double[matrix.length];
        for (int a = 0; a < matrix.length; a++) {
            out[a] = dot(matrix[a], v);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static void normalise(double[] v) {
        double n = norm(v);
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }
}
