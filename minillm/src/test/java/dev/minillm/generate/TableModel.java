package dev.minillm.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A test model whose next-token logits depend only on the last token: a bigram table. Fast and
 * exact, so distributions can be checked over many thousands of runs.
 */
final class TableModel implements CausalModel {

    final float[][] logits;   // (V, V): row a = logits of the token after a
    int calls;

    TableModel(float[][] logits) {
        this.logits = logits;
    }

    /** Random logits N(0, scale²). */
    static TableModel random(int vocab, float scale, long seed) {
        var random = new SplittableRandom(seed);
        float[][] table = new float[vocab][vocab];
        for (float[] row : table) {
            for (int i = 0; i < vocab; i++) {
                row[i] = (float) (random.nextGaussian() * scale);
            }
        }
        return new TableModel(table);
    }

    /** After token a comes next[a] with logit 10 (all others 0): a nearly certain cycle. */
    static TableModel cycle(int vocab, int... next) {
        float[][] table = new float[vocab][vocab];
        for (int a = 0; a < vocab; a++) {
            table[a][next[a]] = 10f;
        }
        return new TableModel(table);
    }

    @Override
    public int vocabSize() {
        return logits.length;
    }

    @Override
    public int contextLength() {
        return 1 << 20;
    }

    @Override
    public Session start() {
        return new Session() {
            private int[] tokens = new int[0];

            @Override
            public float[][] append(int... added) {
                calls++;
                float[][] rows = new float[added.length][];
                for (int i = 0; i < added.length; i++) {
                    rows[i] = logits[added[i]].clone();
                }
                int n = tokens.length;
                tokens = Arrays.copyOf(tokens, n + added.length);
                System.arraycopy(added, 0, tokens, n, added.length);
                return rows;
            }

            @Override
            public void truncate(int newLength) {
                tokens = Arrays.copyOf(tokens, newLength);
            }

            @Override
            public int length() {
                return tokens.length;
            }

            @Override
            public int[] tokens() {
                return tokens.clone();
            }
        };
    }
}
