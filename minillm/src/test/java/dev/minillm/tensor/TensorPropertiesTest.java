package dev.minillm.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** Laws that hold for any shapes and values: views, broadcasting, reductions, softmax, matmul. */
class TensorPropertiesTest {

    @Property(tries = 100)
    void reshapeAndTransposeRoundTrip(@ForAll @IntRange(min = 1, max = 5) int a, @ForAll @IntRange(min = 1, max = 5) int b,
                                      @ForAll @IntRange(min = 1, max = 5) int c, @ForAll long seed) {
        Tensor x = Tensor.randn(seed, a, b, c);
        assertThat(x.reshape(c, -1).reshape(a, b, c).toArray()).containsExactly(x.toArray());
        assertThat(x.transpose(0, 2).transpose(2, 0).toArray()).containsExactly(x.toArray());
        Tensor t = x.transpose(0, 2);
        assertThat(t.get(c - 1, 0, a - 1)).isEqualTo(x.get(a - 1, 0, c - 1));
    }

    @Property(tries = 100)
    void permuteMovesEveryElementToItsPermutedIndex(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                                                    @ForAll @IntRange(min = 1, max = 4) int c, @ForAll long seed) {
        Tensor x = Tensor.randn(seed, a, b, c);
        int[] order = {1, 2, 0};
        Tensor p = x.permute(order).contiguous();
        var random = new SplittableRandom(seed);
        int[] index = {random.nextInt(a), random.nextInt(b), random.nextInt(c)};
        assertThat(p.get(index[1], index[2], index[0])).isEqualTo(x.get(index));
    }

    @Property(tries = 100)
    void broadcastingIsExpandingThenAddingElementwise(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                                                      @ForAll long seed) {
        Tensor column = Tensor.randn(seed, a, 1), row = Tensor.randn(seed + 1, b);
        Tensor sum = column.add(row);
        assertThat(sum.shape()).containsExactly(a, b);
        assertThat(sum.toArray()).containsExactly(row.add(column).toArray());
        assertThat(sum.toArray()).containsExactly(column.expand(a, b).contiguous().add(row.expand(a, b).contiguous()).toArray());
    }

    @Property(tries = 100)
    void summingAxisByAxisGivesTheTotal(@ForAll @IntRange(min = 1, max = 5) int a, @ForAll @IntRange(min = 1, max = 5) int b,
                                        @ForAll @IntRange(min = 1, max = 5) int c, @ForAll long seed) {
        Tensor x = Tensor.randn(seed, a, b, c);
        float total = x.sum().item();
        assertThat(x.sum(1).sum(0).sum(0).item()).isCloseTo(total, offset(1e-4f));
        assertThat(x.mean(new int[] {0, 1, 2}, false).item() * a * b * c).isCloseTo(total, offset(1e-4f));
    }

    @Property(tries = 100)
    void softmaxIsADistributionAndIgnoresShifts(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 9) int n,
                                                @ForAll long seed) {
        Tensor logits = Tensor.randn(seed, rows, n).mul(5);
        Tensor p = logits.softmax();
        assertThat(p.sum(1).allClose(Tensor.ones(rows), 1e-5f, 1e-6f)).isTrue();
        assertThat(p.max().item()).isLessThanOrEqualTo(1f);
        assertThat(p.neg().max().item()).isLessThanOrEqualTo(0f);
        assertThat(logits.add(100).softmax().allClose(p, 1e-4f, 1e-6f)).isTrue();
    }

    @Property(tries = 100)
    void concatThenSplitGivesBackTheParts(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                                          @ForAll @IntRange(min = 0, max = 1) int axis, @ForAll long seed) {
        Tensor x = Tensor.randn(seed, a, b), y = Tensor.randn(seed + 1, a, b);
        List<Tensor> parts = Tensor.concat(axis, x, y).split(axis, x.shape(axis), y.shape(axis));
        assertThat(parts.get(0).toArray()).containsExactly(x.toArray());
        assertThat(parts.get(1).toArray()).containsExactly(y.toArray());
    }

    @Property(tries = 50)
    void matmulIsAssociativeUpToRounding(@ForAll @IntRange(min = 1, max = 9) int m, @ForAll @IntRange(min = 1, max = 9) int k,
                                         @ForAll @IntRange(min = 1, max = 9) int n, @ForAll long seed) {
        Tensor a = Tensor.randn(seed, m, k), b = Tensor.randn(seed + 1, k, n), c = Tensor.randn(seed + 2, n, 3);
        assertThat(a.matmul(b).matmul(c).allClose(a.matmul(b.matmul(c)), 1e-4f, 1e-4f)).isTrue();
        assertThat(a.matmul(b).transpose().allClose(b.transpose().matmul(a.transpose()), 1e-5f, 1e-5f)).isTrue();
    }
}
