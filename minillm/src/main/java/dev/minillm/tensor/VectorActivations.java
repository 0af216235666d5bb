package dev.minillm.tensor;

import static dev.minillm.tensor.Activations.*;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Activations}' loops with the Vector API: 16 floats per instruction with AVX-512, 8 with
 * AVX2. Only loaded when {@code Simd.AVAILABLE}. Each method does, lane by lane, exactly the float
 * operations of the scalar reference it is named after, in the same order, so the results are the
 * same bits (the tests check that); the last, partial vector of a range goes to that scalar loop.
 *
 * <p>Branches become masks: both sides are computed for every lane and {@code blend} keeps the
 * right one. That costs a few more instructions than the scalar {@code if}, and still runs about
 * ten times faster.
 */
final class VectorActivations {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private VectorActivations() {}

    static void tanh(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            tanh(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        }
        tanhRange(x, y, i, to);
    }

    static void tanhBackward(float[] g, float[] y, float[] ga, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var yi = FloatVector.fromArray(SPECIES, y, i);
            var d = FloatVector.fromArray(SPECIES, g, i).mul(broadcast(1f).sub(yi.mul(yi)));
            FloatVector.fromArray(SPECIES, ga, i).add(d).intoArray(ga, i);
        }
        tanhBackwardRange(g, y, ga, i, to);
    }

    static void sigmoid(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            sigmoid(FloatVector.fromArray(SPECIES, x, i)).intoArray(y, i);
        }
        sigmoidRange(x, y, i, to);
    }

    static void sigmoidBackward(float[] g, float[] y, float[] ga, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var yi = FloatVector.fromArray(SPECIES, y, i);
            var d = FloatVector.fromArray(SPECIES, g, i).mul(yi).mul(broadcast(1f).sub(yi));
            FloatVector.fromArray(SPECIES, ga, i).add(d).intoArray(ga, i);
        }
        sigmoidBackwardRange(g, y, ga, i, to);
    }

    static void relu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            FloatVector.fromArray(SPECIES, x, i).max(0f).intoArray(y, i);
        }
        reluRange(x, y, i, to);
    }

    static void reluBackward(float[] g, float[] x, float[] ga, int from, int to) {
        int i = from;
        var zero = broadcast(0f);
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var positive = FloatVector.fromArray(SPECIES, x, i).compare(VectorOperators.GT, 0f);
            var d = zero.blend(FloatVector.fromArray(SPECIES, g, i), positive);
            FloatVector.fromArray(SPECIES, ga, i).add(d).intoArray(ga, i);
        }
        reluBackwardRange(g, x, ga, i, to);
    }

    static void gelu(float[] x, float[] t, float[] y, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var xi = FloatVector.fromArray(SPECIES, x, i);
            var u = xi.mul(GELU_CUBIC).mul(xi).mul(xi).add(xi).mul(SQRT_2_OVER_PI);
            var ti = tanh(u);
            ti.intoArray(t, i);
            xi.mul(0.5f).mul(ti.add(1f)).intoArray(y, i);
        }
        geluRange(x, t, y, i, to);
    }

    static void geluBackward(float[] g, float[] x, float[] t, float[] ga, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var xi = FloatVector.fromArray(SPECIES, x, i);
            var ti = FloatVector.fromArray(SPECIES, t, i);
            var du = xi.mul(GELU_CUBIC_3).mul(xi).add(1f).mul(SQRT_2_OVER_PI);
            var left = ti.add(1f).mul(0.5f);
            var right = xi.mul(0.5f).mul(broadcast(1f).sub(ti.mul(ti))).mul(du);
            var d = FloatVector.fromArray(SPECIES, g, i).mul(left.add(right));
            FloatVector.fromArray(SPECIES, ga, i).add(d).intoArray(ga, i);
        }
        geluBackwardRange(g, x, t, ga, i, to);
    }

    static void silu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var xi = FloatVector.fromArray(SPECIES, x, i);
            xi.mul(sigmoid(xi)).intoArray(y, i);
        }
        siluRange(x, y, i, to);
    }

    static void siluBackward(float[] g, float[] x, float[] ga, int from, int to) {
        int i = from;
        for (int upper = to - LANES; i <= upper; i += LANES) {
            var xi = FloatVector.fromArray(SPECIES, x, i);
            var s = sigmoid(xi);
            var d = FloatVector.fromArray(SPECIES, g, i).mul(s).mul(xi.mul(broadcast(1f).sub(s)).add(1f));
            FloatVector.fromArray(SPECIES, ga, i).add(d).intoArray(ga, i);
        }
        siluBackwardRange(g, x, ga, i, to);
    }

    /** {@link Activations#tanh(float)} per lane: both branches, then the mask picks one. */
    static FloatVector tanh(FloatVector u) {
        var z = u.abs();
        var big = broadcast(1f).sub(broadcast(2f).div(exp(z.mul(2f)).add(1f)));
        big = big.blend(big.neg(), u.compare(VectorOperators.LT, 0f));
        var z2 = u.mul(u);
        var p = broadcast(T0);
        p = p.fma(z2, broadcast(T1));
        p = p.fma(z2, broadcast(T2));
        p = p.fma(z2, broadcast(T3));
        p = p.fma(z2, broadcast(T4));
        var small = p.mul(z2).fma(u, u);
        return small.blend(big, z.compare(VectorOperators.GT, TANH_SMALL)); // NaN compares false: stays NaN
    }

    /** {@link Activations#sigmoid(float)} per lane. */
    static FloatVector sigmoid(FloatVector x) {
        return broadcast(1f).div(exp(x.neg()).add(1f));
    }

    /**
     * {@link Activations#exp(float)} per lane. Lanes outside [EXP_MIN, EXP_MAX] compute garbage
     * exponent bits, which the two blends at the end replace by ∞ or 0, as the scalar ifs do.
     */
    static FloatVector exp(FloatVector x) {
        var shifted = x.mul(LOG2E).add(ROUNDER);
        var n = shifted.sub(ROUNDER);
        var r = n.fma(broadcast(-LN2_HIGH), x);
        r = n.fma(broadcast(-LN2_LOW), r);
        var p = broadcast(P0);
        p = p.fma(r, broadcast(P1));
        p = p.fma(r, broadcast(P2));
        p = p.fma(r, broadcast(P3));
        p = p.fma(r, broadcast(P4));
        p = p.fma(r, broadcast(P5));
        var expR = p.mul(r.mul(r)).add(r).add(1f);
        var biased = ((IntVector) shifted.reinterpretAsInts()).sub(Float.floatToRawIntBits(ROUNDER) - 127);
        var e = expR.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX))
                .blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
    }

    private static FloatVector broadcast(float value) {
        return FloatVector.broadcast(SPECIES, value);
    }
}
