package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Optimizer update kernels: one streaming pass over a variable and its slots. */
public final class Updates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Updates() {}

    /**
     * From this many values (one variable's, or all variables' in {@link #overVariables}) an update is split by
     * ranges while a worker is awake ({@link Parallel#helpersAwake}): the article's model's 110K, just after the
     * first layer's gradient GEMM was split. -Dkeel.adamParallelMin.
     * Four ranges per thread, claimed in turn, so that a thread running slower takes fewer: with one range each,
     * the calling thread spent a quarter of a batch-32 Adam step waiting for the worker's (JFR), and four gave
     * 1.06× and 1.09× on the whole step (paired, both orders).
     */
    private static final int PARALLEL_MIN = Integer.getInteger("keel.adamParallelMin", 1 << 16);

    /**
     * Keras's Adam step: {@code m += (g−m)·b1; v += (g²−v)·b2; w −= alpha·m/(√v + eps)}, b1 = 1−β₁, b2 = 1−β₂,
     * with the arithmetic of TensorFlow's flush-to-zero mode: a product that would be subnormal is zero, and so
     * are m and v below {@link Float#MIN_NORMAL} ({@link #flush}). The products are zeroed before they are formed,
     * from their operand's magnitude, because forming a subnormal costs an Intel core a microcode assist.
     */
    public static void adam(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps) {
        adam(w, g, m, v, alpha, b1, b2, eps, w.length >= PARALLEL_MIN && Parallel.helpersAwake() ? 4 * Parallel.threads() : 1);
    }

    /** Adam in {@code chunks} ranges of whole vectors, on the kernel threads: the same bits for any chunk count. */
    static void adam(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps, int chunks) {
        int n = w.length;
        if (chunks <= 1) {
            adam(w, g, m, v, alpha, b1, b2, eps, 0, n);
            return;
        }
        int vectors = n / L;   // whole vectors per chunk; the last chunk also takes the tail
        Parallel.forEach(chunks, c -> adam(w, g, m, v, alpha, b1, b2, eps, vectors * c / chunks * L,
                c == chunks - 1 ? n : vectors * (c + 1) / chunks * L));
    }

    /** Elements [from, to) of variable {@code variable} of an {@link #overVariables} call. */
    @FunctionalInterface
    public interface Segment {
        void run(int variable, int from, int to);
    }

    /**
     * Runs {@code body} over every element of variables of these sizes. From {@link #PARALLEL_MIN} elements in all,
     * while a worker is awake, that is one job on the kernel threads: four ranges per thread of about equal size, in
     * whole vectors, any of which may span the end of one variable and the start of the next; else variable by
     * variable on the calling thread. An optimizer's update is element by element, so the results are the same bits
     * either way. Split variable by variable, the article's model's update left its nine small variables (9,418
     * values: the second and third layers, the biases, γ and β) to the calling thread while the worker waited; in
     * one job, Adam's step over all of them took 40.6 µs instead of 44.0 (1.08×, median of 40 paired rounds, two
     * threads, Zen 3).
     */
    public static void overVariables(int[] sizes, Segment body) {
        long total = 0;
        for (int n : sizes) total += n;
        overVariables(sizes, body, total >= PARALLEL_MIN && Parallel.helpersAwake() ? 4 * Parallel.threads() : 1);
    }

    /** {@link #overVariables} in {@code chunks} ranges. */
    static void overVariables(int[] sizes, Segment body, int chunks) {
        long total = 0;
        for (int n : sizes) total += n;
        if (chunks <= 1) {
            for (int v = 0; v < sizes.length; v++) if (sizes[v] > 0) body.run(v, 0, sizes[v]);
            return;
        }
        long[] start = new long[sizes.length + 1];   // start[v]: the first element of variable v in the concatenation
        for (int v = 0; v < sizes.length; v++) start[v + 1] = start[v] + sizes[v];
        long vectors = total / L, end = total;
        Parallel.forEach(chunks, c -> {
            long lo = vectors * c / chunks * L, hi = c == chunks - 1 ? end : vectors * (c + 1) / chunks * L;
            if (lo >= hi) return;
            int v = 0;
            while (start[v + 1] <= lo) v++;
            for (; v < sizes.length && start[v] < hi; v++) {
                int from = (int) Math.max(0, lo - start[v]), to = (int) Math.min(sizes[v], hi - start[v]);
                if (from < to) body.run(v, from, to);
            }
        });
    }

    /** |g| below this: g² would be subnormal. */
    private static final float SQUARE_TINY = 1.0842022e-19f;

    /**
     * Adam on [from, to): each element's arithmetic is the same in the vector body and the scalar tail's order.
     * Below {@code MIN_NORMAL/b}, x·b would be subnormal, so x counts as zero there: (g−m)·b1 and (g²−v)·b2 when
     * a moment has decayed that far with its gradient gone, and m·alpha (for m up to 1.2e-35 at alpha = 1e-3).
     * On the Intel Xeon those m·alpha products, 130-1,700 of the first layer's 100,352 per batch-32 step of the
     * article's model, made Adam's update of that layer take 81-89 µs per step in training (22 µs hot); 45-48 µs without them.
     */
    public static void adam(float[] w, float[] g, float[] m, float[] v, float alpha, float b1, float b2, float eps, int from, int to) {
        float mTiny = Float.MIN_NORMAL / b1, vTiny = Float.MIN_NORMAL / b2, aTiny = Float.MIN_NORMAL / alpha;
        int i = from, upper = from + S.loopBound(to - from);
        for (; i < upper; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = FloatVector.fromArray(S, m, i);
            FloatVector vv = FloatVector.fromArray(S, v, i);
            FloatVector gz = gv.blend(0f, gv.abs().compare(VectorOperators.LT, SQUARE_TINY));
            FloatVector dm = gv.sub(mv), dv = gz.mul(gz).sub(vv);
            mv = dm.blend(0f, dm.abs().compare(VectorOperators.LT, mTiny)).mul(b1).add(mv);
            vv = dv.blend(0f, dv.abs().compare(VectorOperators.LT, vTiny)).mul(b2).add(vv);
            mv = mv.blend(0f, mv.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));   // flush(m), flush(v)
            vv = vv.blend(0f, vv.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector step = mv.blend(0f, mv.abs().compare(VectorOperators.LT, aTiny)).mul(alpha).div(vv.lanewise(VectorOperators.SQRT).add(eps));
            FloatVector.fromArray(S, w, i).sub(step).intoArray(w, i);
        }
        for (; i < to; i++) {
            float dm = g[i] - m[i], g2 = Math.abs(g[i]) < SQUARE_TINY ? 0f : g[i] * g[i], dv = g2 - v[i];
            m[i] = flush(m[i] + (Math.abs(dm) < mTiny ? 0f : dm) * b1);
            v[i] = flush(v[i] + (Math.abs(dv) < vTiny ? 0f : dv) * b2);
            w[i] -= (Math.abs(m[i]) < aTiny ? 0f : m[i]) * alpha / ((float) Math.sqrt(v[i]) + eps);
        }
    }

    /**
     * x, or +0 where |x| is below {@link Float#MIN_NORMAL}: what TensorFlow's flush-to-zero mode, which Keras's CPU
     * kernels run under, leaves in an optimizer's slots. Without it, the moments of a weight whose gradient has
     * stopped (a pixel that is always black, a dead ReLU) decay through the subnormal range for hundreds of steps
     * (Adam's v, at β₂ = 0.999, for about 16,000), and an x86 core takes a microcode assist on every operation
     * with a subnormal operand or result: Adam's update of 109,770 values took 1,265 µs with its slots
     * subnormal against 39 µs with them normal, on an Intel Xeon (AVX-512). The JVM cannot set the MXCSR's FTZ/DAZ
     * bits, so the optimizers flush the values they keep.
     */
    public static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
