package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Optimizer update kernels: one streaming pass over a variable and its slots. */
public final class Updates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Updates() {}

    /** Keras's Adam step: {@code m += (g−m)·b1; v += (g²−v)·b2; w −= alpha·m/(√v + eps)}, b1 = 1−β₁, b2 = 1−β₂. */
    public static void adam(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps) {
        int n = w.length, upper = S.loopBound(n), i = 0;
        for (; i < upper; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i);
            FloatVector vv = FloatVector.fromArray(S, v, i);
            mv = gv.sub(mv).mul(b1).add(mv);
            vv = gv.mul(gv).sub(vv).mul(b2).add(vv);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector step = mv.mul(alpha).div(vv.lanewise(VectorOperators.SQRT).add(eps));
            FloatVector.fromArray(S, w, i).sub(step).intoArray(w, i);
        }
        for (; i < n; i++) {
            m[i] += (g[i] - m[i]) * b1;
            v[i] += (g[i] * g[i] - v[i]) * b2;
            w[i] -= alpha * m[i] / ((float) Math.sqrt(v[i]) + eps);
        }
    }
}
