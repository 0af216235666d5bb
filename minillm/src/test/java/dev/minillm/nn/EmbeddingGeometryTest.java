package dev.minillm.nn;

import dev.minillm.common.Plots;
import dev.minillm.tensor.Tensor;
import dev.minillm.tokenize.CharTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EmbeddingGeometryTest {

    static final Tensor TABLE = Tensor.matrix(new float[][] {{1, 0}, {0.9f, 0.1f}, {0, 1}, {-1, 0}, {0.5f, 0.5f}});

    @Test
    void cosineSimilarityIsTheCosineOfTheAngle() {
        assertThat(EmbeddingGeometry.cosineSimilarity(new float[] {1, 0}, new float[] {0, 3})).isZero();
        assertThat(EmbeddingGeometry.cosineSimilarity(new float[] {1, 2}, new float[] {2, 4})).isCloseTo(1, within(1e-12));
        assertThat(EmbeddingGeometry.cosineSimilarity(new float[] {1, 2}, new float[] {-1, -2})).isCloseTo(-1, within(1e-12));
        assertThat(EmbeddingGeometry.cosineSimilarity(new float[] {0, 0}, new float[] {1, 2})).isZero();
        assertThatThrownBy(() -> EmbeddingGeometry.cosineSimilarity(new float[2], new float[3])).hasMessageContaining("2 and 3");
    }

    @Test
    void nearestNeighboursAreSortedAndExcludeTheTokenItself() {
        var neighbours = EmbeddingGeometry.nearest(TABLE, 0, 10, id -> "t" + id);
        assertThat(neighbours).extracting(EmbeddingGeometry.Neighbour::id).containsExactly(1, 4, 2, 3);
        assertThat(neighbours.getFirst().token()).isEqualTo("t1");
        assertThat(neighbours.getLast().similarity()).isCloseTo(-1, within(1e-9));
        assertThat(EmbeddingGeometry.nearest(TABLE, 0, 2, id -> "")).hasSize(2);
        assertThatThrownBy(() -> EmbeddingGeometry.nearest(TABLE, 5, 2, id -> "")).hasMessageContaining("token id 5");
    }

    @Test
    void neighboursOfATokenGivenAsText() {
        var tokenizer = CharTokenizer.train("abcd");  // ids: <unk>=0, a=1, b=2, c=3, d=4
        var neighbours = EmbeddingGeometry.nearest(TABLE, tokenizer, "a", 2);
        assertThat(neighbours).extracting(EmbeddingGeometry.Neighbour::token).containsExactly("<unk>", "d");
        assertThatThrownBy(() -> EmbeddingGeometry.nearest(TABLE, tokenizer, "ab", 2)).hasMessageContaining("2 tokens");
        var table = EmbeddingGeometry.nearestTable(TABLE, tokenizer, List.of("a", "c"), 2);
        assertThat(table.rowCount()).isEqualTo(2);
        assertThat(table.columnNames()).containsExactly("token", "1", "2");
        assertThat(table.stringColumn("1").get(0)).isEqualTo("<unk> (0.99)");
    }

    @Test
    void pcaFindsTheDirectionOfLargestVariance() {
        float[][] rows = new float[9][];
        for (int i = 0; i < rows.length; i++) {
            float t = i - 4;
            rows[i] = new float[] {t, 2 * t + (i % 2 == 0 ? 0.01f : -0.01f), 5f}; // a line in 3-D, plus a little noise
        }
        var projection = EmbeddingGeometry.pca(Tensor.matrix(rows), 2);
        double[] first = projection.components()[0];
        assertThat(first[0]).isCloseTo(1 / Math.sqrt(5), within(1e-3));
        assertThat(first[1]).as("the largest entry is positive").isCloseTo(2 / Math.sqrt(5), within(1e-3));
        assertThat(first[2]).isCloseTo(0, within(1e-9));
        assertThat(projection.explained()[0]).isGreaterThan(0.999);
        assertThat(projection.points()[8][0]).as("coordinates of the centred rows").isCloseTo(4 * Math.sqrt(5), within(1e-2));
        double dot = 0;
        for (int j = 0; j < 3; j++) {
            dot += first[j] * projection.components()[1][j];
        }
        assertThat(dot).as("orthogonal components").isCloseTo(0, within(1e-6));
        var again = EmbeddingGeometry.pca(Tensor.matrix(rows), 2);
        assertThat(again.points()).isDeepEqualTo(projection.points());
        assertThatThrownBy(() -> EmbeddingGeometry.pca(Tensor.matrix(rows), 4)).hasMessageContaining("k=4");
    }

    @Test
    void theScatterPlotLabelsEveryPoint() {
        var projection = EmbeddingGeometry.pca(TABLE, 2);
        var chart = EmbeddingGeometry.scatter(projection, List.of("a", "b", "c", "d", "e"), "tokens");
        assertThat(Plots.image(chart).getHeight()).isEqualTo(600);
        assertThat(chart.getXAxisTitle()).startsWith("PC1 (");
        assertThatThrownBy(() -> EmbeddingGeometry.scatter(projection, List.of("a"), "x")).hasMessageContaining("1 labels");
        assertThat(EmbeddingGeometry.table(projection, List.of("a", "b", "c", "d", "e")).columnNames())
                .containsExactly("id", "token", "pc1", "pc2");
    }

    @Test
    void labelsMakeWhitespaceVisible() {
        assertThat(EmbeddingGeometry.readable("a b\n\t")).isEqualTo("a␣b⏎⇥");
        assertThat(EmbeddingGeometry.labels(CharTokenizer.train("x y"))).containsExactly("<unk>", "␣", "x", "y");
    }
}
