package dev.minillm.generate;

import dev.minillm.tensor.Tensor;
import dev.minillm.transformer.GPT;
import dev.minillm.transformer.GPTConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GptModelTest {

    private final GPT gpt = new GPT(GPTConfig.tiny(), 7);   // V = 50, blockSize 16
    private final GptModel model = new GptModel(gpt);

    private static int[] randomTokens(int n, long seed) {
        var random = new SplittableRandom(seed);
        return random.ints(n, 0, 50).toArray();
    }

    @Test
    void appendInPiecesGivesTheLogitsOfOneForwardPass() {
        int[] tokens = randomTokens(12, 1);
        Tensor full = gpt.forward(new int[][] {tokens}).select(0, 0);          // (12, V)
        Session session = model.start();
        float[][] first = session.append(Arrays.copyOf(tokens, 5));
        float[][] rest = session.append(Arrays.copyOfRange(tokens, 5, 12));
        for (int p = 0; p < 12; p++) {
            float[] row = p < 5 ? first[p] : rest[p - 5];
            assertThat(row).containsExactly(full.select(0, p).toArray(), org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(session.length()).isEqualTo(12);
        assertThat(session.tokens()).containsExactly(tokens);
    }

    @Test
    void pastTheContextTheWindowSlides() {
        int[] tokens = randomTokens(21, 2);
        float[][] logits = model.start().append(tokens);
        for (int p : new int[] {15, 16, 20}) {
            int[] window = Arrays.copyOfRange(tokens, Math.max(0, p - 15), p + 1);
            Tensor out = gpt.forward(new int[][] {window}).select(0, 0);
            assertThat(logits[p]).containsExactly(out.select(0, window.length - 1).toArray(),
                    org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void truncateTakesTokensBack() {
        Session session = model.start();
        int[] tokens = randomTokens(8, 3);
        float[][] once = session.append(tokens);
        session.truncate(4);
        assertThat(session.tokens()).containsExactly(Arrays.copyOf(tokens, 4));
        float[][] again = session.append(Arrays.copyOfRange(tokens, 4, 8));
        assertThat(again[3]).containsExactly(once[7], org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void badInputIsRefusedWithAReason() {
        Session session = model.start();
        assertThatThrownBy(session::append).hasMessageContaining("no tokens");
        assertThatThrownBy(() -> session.append(3, 50)).hasMessageContaining("token id 50").hasMessageContaining("0..49");
        assertThatThrownBy(() -> session.truncate(1)).hasMessageContaining("not in 0..0");
    }
}
