package dev.keel.bench;

import dev.keel.kernels.Gemm;
import dev.keel.kernels.Parallel;
import java.util.SplittableRandom;

/**
 * One GEMM shape timed by one Keel version: {@link VersionPair} loads this class once per version (its own class
 * loader), so that {@code bin/bench versions REV --gemm 1024x784x128:NN} times two builds' kernels in turns. Uses
 * only {@link Gemm#gemm}, which every version has had.
 */
public final class GemmRunner {
    private final boolean transA, transB;
    private final int m, k, n;
    private final float[] a, b, c;

    /** Operands of op(A)[m×k]·op(B)[k×n], uniform in [-1, 1] from a fixed seed; form is NN, TN, NT or TT. */
    public GemmRunner(int m, int k, int n, String form) {
        this.m = m;
        this.k = k;
        this.n = n;
        transA = form.charAt(0) == 'T';
        transB = form.charAt(1) == 'T';
        SplittableRandom r = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
    }

    /** The best of three timings of {@code reps} calls on {@code threads} threads, in nanoseconds per call. */
    public double time(int threads, int reps) throws InterruptedException {
        Parallel.setThreads(threads);
        // The other build's workers spin for a while after its last call (200 µs by default): let them park, or on
        // two cores they compete with this build's threads.
        Thread.sleep(2);
        long best = Long.MAX_VALUE;
        for (int t = 0; t < 3; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) Gemm.gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / reps;
    }

    /** C's first element, for checking that the two versions computed the same product. */
    public float first() {
        return c[0];
    }
}
