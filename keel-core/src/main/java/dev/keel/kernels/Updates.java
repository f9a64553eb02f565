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
        int n = w.length;
        if (n < PARALLEL_MIN || Parallel.threads() == 1) {
            adam(w, g, m, v, alpha, b1, b2, eps, 0, n);
            return;
        }
        int chunks = n / CHUNK + 1;   // fixed by n; every element gets the same arithmetic whatever the split
        Parallel.forEach(chunks, c -> adam(w, g, m, v, alpha, b1, b2, eps, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    /** Below this many parameters the update runs on the calling thread; above, in chunks of CHUNK (a multiple of any vector length). */
    private static final int PARALLEL_MIN = 1 << 16, CHUNK = 1 << 14;

    private static void adam(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps, int from, int to) {
        int upper = from + S.loopBound(to - from), i = from, n = to;
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
