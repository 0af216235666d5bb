package dev.minillm.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowOps} with the Vector API: 16 floats per instruction with AVX-512, 8 with AVX2. Only
 * touched when {@code Simd.AVAILABLE}. The last, partial vector of a row is handled with a lane
 * mask rather than a scalar loop: in a causal row the length changes every row, so a partial
 * vector is the common case, not the exception.
 */
final class VectorRowOps implements RowOps {

    static final VectorRowOps INSTANCE = new VectorRowOps();

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private static final float LOG2E = 1.44269504f, LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;
    /** 1.5·2^23: adding it to a float of magnitude below 2^22 rounds it to an integer n, and the sum's bits are 0x4B400000 + n. */
    private static final float ROUNDER = 12582912f;

    private VectorRowOps() {}

    @Override
    public int lanes() {
        return LANES;
    }

    /**
     * Vectorised over the n keys, not along each dot product: lane j accumulates x·(row j) while c
     * runs over the width, with x[c] broadcast. A dot product per key would end with a horizontal
     * sum across the lanes, which for a head size of 64 costs about as much as the 64 multiply-adds
     * themselves. Four vectors of keys at a time give four independent chains of fused
     * multiply-adds, so the core need not wait for the previous one (4 cycles of latency).
     */
    @Override
    public void scores(float[] x, int xOffset, int width, float[] transposed, int stride, int n, float scale,
                       float[] out) {
        int j = 0;
        for (int block = 4 * LANES; j + block <= n; j += block) {
            var s0 = FloatVector.zero(SPECIES);
            var s1 = FloatVector.zero(SPECIES);
            var s2 = FloatVector.zero(SPECIES);
            var s3 = FloatVector.zero(SPECIES);
            for (int c = 0, row = j; c < width; c++, row += stride) {
                var xc = FloatVector.broadcast(SPECIES, x[xOffset + c]);
                s0 = FloatVector.fromArray(SPECIES, transposed, row).fma(xc, s0);
                s1 = FloatVector.fromArray(SPECIES, transposed, row + LANES).fma(xc, s1);
                s2 = FloatVector.fromArray(SPECIES, transposed, row + 2 * LANES).fma(xc, s2);
                s3 = FloatVector.fromArray(SPECIES, transposed, row + 3 * LANES).fma(xc, s3);
            }
            s0.mul(scale).intoArray(out, j);
            s1.mul(scale).intoArray(out, j + LANES);
            s2.mul(scale).intoArray(out, j + 2 * LANES);
            s3.mul(scale).intoArray(out, j + 3 * LANES);
        }
        for (; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            var s = FloatVector.zero(SPECIES);
            for (int c = 0, row = j; c < width; c++, row += stride) {
                s = FloatVector.fromArray(SPECIES, transposed, row, inRow).fma(FloatVector.broadcast(SPECIES, x[xOffset + c]), s);
            }
            s.mul(scale).intoArray(out, j, inRow);
        }
    }

    /**
     * The stable softmax on whole vectors. Two choices keep the result the same bits whether the
     * JIT has compiled this loop yet or not (the interpreter runs the Vector API lane by lane):
     * the lanes' partial sums are added in a fixed order ({@link #sumLanes}), and e^x is the
     * polynomial of {@link #exp}, made of multiply-adds only, rather than the JDK's vectorised
     * {@code VectorOperators.EXP}, whose last bit differs from the lane-by-lane fallback.
     */
    @Override
    public void softmax(float[] s, int n) {
        var max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            max = max.max(FloatVector.fromArray(SPECIES, s, j, inRow).blend(Float.NEGATIVE_INFINITY, inRow.not()));
        }
        var m = FloatVector.broadcast(SPECIES, max.reduceLanes(VectorOperators.MAX)); // max is exact in any order
        var sum = FloatVector.zero(SPECIES);
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            var e = exp(FloatVector.fromArray(SPECIES, s, j, inRow).sub(m));
            e.intoArray(s, j, inRow);
            sum = sum.add(e, inRow);
        }
        float inverse = (float) (1 / sumLanes(sum));
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            FloatVector.fromArray(SPECIES, s, j, inRow).mul(inverse).intoArray(s, j, inRow);
        }
    }

    @Override
    public void softmaxBackward(float[] p, float[] d, int n, float scale) {
        var dot = FloatVector.zero(SPECIES);
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            dot = FloatVector.fromArray(SPECIES, p, j, inRow).fma(FloatVector.fromArray(SPECIES, d, j, inRow), dot);
        }
        float mean = (float) sumLanes(dot);
        for (int j = 0; j < n; j += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(j, n);
            var pj = FloatVector.fromArray(SPECIES, p, j, inRow);
            FloatVector.fromArray(SPECIES, d, j, inRow).sub(mean).mul(pj).mul(scale).intoArray(d, j, inRow);
        }
    }

    /** The lanes added one after the other, in double: {@code reduceLanes(ADD)} may add them in another order once compiled. */
    private static double sumLanes(FloatVector v) {
        float[] lanes = new float[LANES];
        v.intoArray(lanes, 0);
        double sum = 0;
        for (float lane : lanes) {
            sum += lane;
        }
        return sum;
    }

    private static FloatVector broadcast(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }

    /**
     * e^x per lane, Cephes' {@code expf}: write x = n·ln 2 + r with n an integer and |r| ≤ ln 2 / 2,
     * so e^x = 2^n · e^r, where e^r is a short polynomial and 2^n is written straight into the
     * float's exponent bits. Relative error below 3e-7 (checked in the tests) for x in [-87, 88];
     * below -87 the result is about 1e-38 instead of 0, which no softmax can tell apart.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.3f);
        var shifted = x.mul(LOG2E).add(ROUNDER); // n = round(x / ln 2) sits in the low bits of this float
        var n = shifted.sub(ROUNDER);
        var r = n.fma(broadcast(-LN2_HIGH), x);  // r = x - n·ln 2, with ln 2 in two parts: the first
        r = n.fma(broadcast(-LN2_LOW), r);       // product is exact, the second adds the missing digits
        var p = broadcast(1.9875691500e-4f);
        p = p.fma(r, broadcast(1.3981999507e-3f));
        p = p.fma(r, broadcast(8.3334519073e-3f));
        p = p.fma(r, broadcast(4.1665795894e-2f));
        p = p.fma(r, broadcast(1.6666665459e-1f));
        p = p.fma(r, broadcast(5.0000001201e-1f));
        var expR = p.mul(r.mul(r)).add(r).add(1f);
        var biased = ((IntVector) shifted.reinterpretAsInts()).sub(Float.floatToRawIntBits(ROUNDER) - 127); // n + 127
        return expR.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()); // e^r · 2^n
    }

    /**
     * Up to four vectors of the output row stay in registers while the n rows stream past, so the
     * output is loaded and stored once instead of once per row; four columns blocks are again four
     * independent chains of multiply-adds.
     */
    @Override
    public void accumulate(float[] w, int n, float[] rows, int rowsOffset, int width, float[] out, int outOffset) {
        int c = 0;
        for (int block = 4 * LANES; c + block <= width; c += block) {
            var o0 = FloatVector.fromArray(SPECIES, out, outOffset + c);
            var o1 = FloatVector.fromArray(SPECIES, out, outOffset + c + LANES);
            var o2 = FloatVector.fromArray(SPECIES, out, outOffset + c + 2 * LANES);
            var o3 = FloatVector.fromArray(SPECIES, out, outOffset + c + 3 * LANES);
            for (int j = 0, row = rowsOffset + c; j < n; j++, row += width) {
                var wj = FloatVector.broadcast(SPECIES, w[j]);
                o0 = FloatVector.fromArray(SPECIES, rows, row).fma(wj, o0);
                o1 = FloatVector.fromArray(SPECIES, rows, row + LANES).fma(wj, o1);
                o2 = FloatVector.fromArray(SPECIES, rows, row + 2 * LANES).fma(wj, o2);
                o3 = FloatVector.fromArray(SPECIES, rows, row + 3 * LANES).fma(wj, o3);
            }
            o0.intoArray(out, outOffset + c);
            o1.intoArray(out, outOffset + c + LANES);
            o2.intoArray(out, outOffset + c + 2 * LANES);
            o3.intoArray(out, outOffset + c + 3 * LANES);
        }
        for (; c < width; c += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(c, width);
            var o = FloatVector.fromArray(SPECIES, out, outOffset + c, inRow);
            for (int j = 0, row = rowsOffset + c; j < n; j++, row += width) {
                o = FloatVector.fromArray(SPECIES, rows, row, inRow).fma(FloatVector.broadcast(SPECIES, w[j]), o);
            }
            o.intoArray(out, outOffset + c, inRow);
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int width) {
        var va = FloatVector.broadcast(SPECIES, a);
        for (int c = 0; c < width; c += LANES) {
            VectorMask<Float> inRow = SPECIES.indexInRange(c, width);
            FloatVector.fromArray(SPECIES, x, xOffset + c, inRow)
                    .fma(va, FloatVector.fromArray(SPECIES, y, yOffset + c, inRow))
                    .intoArray(y, yOffset + c, inRow);
        }
    }
}
