package dev.minillm.transformer;

import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where a GPT's parameters are. For a GPT-2 style model with C = embeddingDim, L layers, V tokens
 * and T positions: embeddings V·C + T·C, attention L·(4C² + 4C), MLP L·(8C² + 5C), norms
 * (2L + 1)·2C, head 0 (tied to the token embedding). Attention and MLP together, about 12·L·C²,
 * dominate once C is large; in a small character model the embeddings can. A mixture of experts counts
 * all its experts and its router under mlp.
 *
 * @param embeddings the token and position tables
 * @param attention the query/key/value and output projections of every block
 * @param mlp the feed-forward networks of every block
 * @param norms the normalisation scales (and biases) of every block and the final one
 * @param head the output layer's own parameters: 0, as it reuses the token embedding
 * @param total all of them: the model's {@link GPT#parameterCount()}
 */
public record ParameterCounts(long embeddings, long attention, long mlp, long norms, long head, long total) {

    /** Counts a model's parameters by where their names put them. */
    static ParameterCounts of(GPT model) {
        long embeddings = 0, attention = 0, mlp = 0, norms = 0;
        for (var entry : model.namedParameters().entrySet()) {
            String name = entry.getKey();
            long size = entry.getValue().size();
            if (name.contains("Embedding.")) {
                embeddings += size;
            } else if (name.contains(".attention.")) {
                attention += size;
            } else if (name.contains(".mlp.")) {
                mlp += size;
            } else if (name.contains("norm") || name.contains("Norm")) {
                norms += size;
            } else {
                throw new IllegalStateException("ParameterCounts: no part for parameter '" + name + "'");
            }
        }
        return new ParameterCounts(embeddings, attention, mlp, norms, 0, embeddings + attention + mlp + norms);
    }

    /** The counts as a table: part | parameters | share (% of the total). */
    public Table table() {
        String[] parts = {"embeddings", "attention", "MLP", "norms", "head (tied)", "total"};
        long[] counts = {embeddings, attention, mlp, norms, head, total};
        var share = StringColumn.create("share");
        for (long count : counts) {
            share.append(String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * count / total));
        }
        return Table.create("GPT parameters", StringColumn.create("part", parts), LongColumn.create("parameters", counts),
                share);
    }
}
