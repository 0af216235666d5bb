package dev.minillm.position;

import dev.minillm.position.RotaryPositions.Convention;
import dev.minillm.tensor.GradCheck;
import dev.minillm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RotaryPositionsTest {

    /** q at position m, k at position n: the rotated dot product. */
    static double score(RotaryPositions rope, Tensor q, int m, Tensor k, int n) {
        float[] a = rope.rotate(q.reshape(1, q.size()), m).toArray();
        float[] b = rope.rotate(k.reshape(1, k.size()), n).toArray();
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @ParameterizedTest
    @EnumSource(Convention.class)
    void rotatedDotProductDependsOnlyOnTheOffset(Convention convention) {
        var rope = new RotaryPositions(16, RotaryPositions.THETA, 1, convention);
        var random = new SplittableRandom(8);
        for (int trial = 0; trial < 200; trial++) {
            Tensor q = Tensor.randn(random, 16), k = Tensor.randn(random, 16);
            int m = random.nextInt(500), offset = random.nextInt(-m, 500), shift = random.nextInt(1000);
            double here = score(rope, q, m, k, m + offset);
            double shifted = score(rope, q, m + shift, k, m + offset + shift);
            assertThat(shifted).as("trial %d: m=%d, n=m+%d, shift %d", trial, m, offset, shift)
                    .isCloseTo(here, within(2e-3 * (1 + Math.abs(here))));
        }
    }

    @ParameterizedTest
    @EnumSource(Convention.class)
    void rotationKeepsLengthsAndPositionZeroIsTheIdentity(Convention convention) {
        var rope = new RotaryPositions(8, 10_000, 1, convention);
        Tensor x = Tensor.randn(3, 2, 5, 8);
        Tensor turned = rope.rotate(x);
        assertThat(turned.shape()).containsExactly(2, 5, 8);
        assertThat(turned.select(1, 0).allClose(x.select(1, 0), 0f, 1e-6f)).as("position 0").isTrue();
        Tensor norms = x.pow(2).sum(-1, false), turnedNorms = turned.pow(2).sum(-1, false);
        assertThat(turnedNorms.allClose(norms, 1e-5f, 1e-5f)).as("|R x| = |x|").isTrue();
    }

    @Test
    void viewsAreRotatedLikeTheirCopies() {
        var rope = new RotaryPositions(4);
        Tensor x = Tensor.randn(6, 3, 5, 4);
        Tensor slice = x.select(0, 1), transposed = x.transpose(0, 1); // offset view; strided view
        assertThat(rope.rotate(slice).allClose(rope.rotate(slice.contiguous()), 0f, 0f)).isTrue();
        assertThat(rope.rotate(transposed).allClose(rope.rotate(transposed.contiguous()), 0f, 0f)).isTrue();
    }

    @Test
    void firstPairTurnsOneRadianPerPosition() {
        var rope = new RotaryPositions(4);
        Tensor x = Tensor.of(new float[] {1, 0, 1, 0}, 1, 4);
        float[] at3 = rope.rotate(x, 3).toArray();
        assertThat(at3[0]).isCloseTo((float) Math.cos(3), within(1e-6f));
        assertThat(at3[1]).isCloseTo((float) Math.sin(3), within(1e-6f));
        assertThat(at3[2]).isCloseTo((float) Math.cos(3 * 0.01), within(1e-6f)); // θ_1 = 10000^(-2/4) = 0.01
    }

    @Test
    void thePermutationConvertsInterleavedToRotateHalf() {
        int hs = 8;
        int[] perm = RotaryPositions.halfFromInterleaved(hs);
        assertThat(perm).containsExactly(0, 2, 4, 6, 1, 3, 5, 7);
        var interleaved = new RotaryPositions(hs, 10_000, 1, Convention.INTERLEAVED);
        var half = new RotaryPositions(hs, 10_000, 1, Convention.HALF);
        Tensor x = Tensor.randn(4, 2, 9, hs);
        Tensor a = interleaved.rotate(x).indexSelect(2, perm); // rotate, then reorder
        Tensor b = half.rotate(x.indexSelect(2, perm));        // reorder, then rotate the other way
        assertThat(b.allClose(a, 1e-6f, 1e-6f)).isTrue();
    }

    @Test
    void permutedProjectionWeightsGiveTheSameScores() {
        int heads = 2, hs = 6, c = heads * hs, t = 7;
        var random = new SplittableRandom(3);
        Tensor wq = Tensor.randn(random, c, c), wk = Tensor.randn(random, c, c), x = Tensor.randn(random, t, c);
        int[] perm = RotaryPositions.halfFromInterleaved(hs);
        Tensor scoresMeta = scores(x, wq, wk, heads, new RotaryPositions(hs, 10_000, 1, Convention.INTERLEAVED));
        Tensor scoresHf = scores(x, RotaryPositions.permuteRows(wq, heads, perm), RotaryPositions.permuteRows(wk, heads, perm),
                heads, new RotaryPositions(hs, 10_000, 1, Convention.HALF));
        assertThat(scoresHf.allClose(scoresMeta, 1e-4f, 1e-4f)).isTrue();
    }

    /** (nh, T, T) scores of x (T, C) with weights (C, C) laid out as nn.Linear: q = x·Wqᵀ. */
    private static Tensor scores(Tensor x, Tensor wq, Tensor wk, int heads, RotaryPositions rope) {
        int t = x.shape(0), c = x.shape(1), hs = c / heads;
        Tensor q = x.matmul(wq.transpose()).reshape(t, heads, hs).transpose(0, 1); // (nh, T, hs)
        Tensor k = x.matmul(wk.transpose()).reshape(t, heads, hs).transpose(0, 1);
        return rope.rotate(q).matmul(rope.rotate(k).transpose());
    }

    @Test
    void positionInterpolationTurnsPositionPLikePositionPOverScale() {
        var plain = new RotaryPositions(8, 10_000, 1, Convention.HALF);
        var scaled = new RotaryPositions(8, 10_000, 4, Convention.HALF);
        Tensor x = Tensor.randn(5, 1, 8);
        assertThat(scaled.rotate(x, 20).allClose(plain.rotate(x, 5), 1e-5f, 1e-5f)).isTrue();
        assertThat(scaled.angle(400, 0)).isEqualTo(plain.angle(100, 0));
    }

    @ParameterizedTest
    @EnumSource(Convention.class)
    void gradientCheck(Convention convention) {
        var rope = new RotaryPositions(6, 100, 2, convention);
        GradCheck.check(in -> rope.rotate(in[0], 3), Tensor.randn(1, 2, 4, 6).requiresGrad(true)).orThrow();
    }

    @Test
    void oddHeadSizeIsAClearError() {
        assertThatThrownBy(() -> new RotaryPositions(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("head size must be even, got 7");
        assertThatThrownBy(() -> new RotaryPositions(8).rotate(Tensor.zeros(2, 6)))
                .hasMessageContaining("expected (..., T, 8)");
        assertThatThrownBy(() -> new RotaryPositions(8, 10_000, 0.5, Convention.HALF)).hasMessageContaining("scale >= 1");
    }
}
