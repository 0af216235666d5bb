package dev.minillm.attention;

import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionHeatmapTest {

    private static final List<String> TOKENS = List.of("the", " cat", " sat", "\n");

    @Test
    void drawsOneHeadWithDarkCellsWhereTheWeightIsHigh() {
        Tensor identity = Tensor.matrix(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
        BufferedImage image = AttentionHeatmap.draw(identity, TOKENS, "identity");
        assertThat(image.getWidth()).isGreaterThan(4 * 32);
        assertThat(image.getHeight()).isGreaterThan(4 * 32);
        // the grid is the bottom-left block of 4×4 cells of 32 pixels (the largest size) before the colour bar
        int left = image.getWidth() - 40 - 4 * 32, top = image.getHeight() - 8 - 4 * 32;
        Color diagonal = new Color(image.getRGB(left + 16, top + 16)), off = new Color(image.getRGB(left + 48, top + 16));
        assertThat(diagonal.getBlue() + diagonal.getRed()).isLessThan(200);
        assertThat(off).isEqualTo(Color.WHITE);
    }

    @Test
    void drawsEveryHeadInAGrid() {
        Tensor weights = new MultiHeadAttention(AttentionConfig.tiny(), 1)
                .forwardWithWeights(Tensor.randn(2, 1, 4, 16), null).weights(); // (1, 4 heads, 4, 4)
        BufferedImage one = AttentionHeatmap.draw(weights.select(0, 0).select(0, 0), TOKENS, "head 0");
        BufferedImage grid = AttentionHeatmap.heads(weights.select(0, 0), TOKENS, 2);
        assertThat(grid.getWidth()).isEqualTo(2 * one.getWidth());
        assertThat(grid.getHeight()).isEqualTo(2 * one.getHeight());
        BufferedImage cross = AttentionHeatmap.heads(Tensor.rand(3, 2, 3, 5), List.of("a", "b", "c"), null, 3);
        assertThat(cross.getWidth()).isGreaterThan(0);
    }

    @Test
    void badInputIsExplained() {
        assertThatThrownBy(() -> AttentionHeatmap.draw(Tensor.rand(1, 4, 4), List.of("a", "b"), "t"))
                .hasMessageContaining("2 query tokens for 4 query positions");
        assertThatThrownBy(() -> AttentionHeatmap.draw(Tensor.rand(1, 1, 2, 4, 4), TOKENS, "t"))
                .hasMessageContaining("needs one head's weights (Tq, Tk)").hasMessageContaining("select");
        assertThatThrownBy(() -> AttentionHeatmap.heads(Tensor.rand(1, 1, 2, 4, 4), TOKENS, 2))
                .hasMessageContaining("pick a sequence: weights.select(0, b)");
    }
}
