package dev.minillm.common;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API versions of {@link Simd}'s kernels; only touched when the module is present. */
final class VectorKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {}

    static int lanes() {
        return SPECIES.length();
    }

    static float dot(float[] a, float[] b) {
        var acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int upper = SPECIES.loopBound(a.length); i < upper; i += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) { // the tail that does not fill a whole vector
            sum += a[i] * b[i];
        }
        return sum;
    }
}
