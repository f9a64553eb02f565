package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply {@code C[m×n] (+)= op(A)·op(B)}, row-major, in the three forms training
 * needs: {@code A·B}, {@code Aᵀ·B} and {@code A·Bᵀ}; no transpose is ever materialised.
 *
 * <p>Design: a register-blocked micro-kernel of {@value #MR} rows × two SIMD vectors of columns keeps
 * 2·MR accumulators in registers and broadcasts one element of A per row per step of k. A is read in
 * place through strides (row-major or transposed alike). B is read in place when it is row-major and small
 * enough to stay in cache; otherwise it is packed, one k-block at a time, into contiguous strips that are
 * exactly as wide as the micro-kernel. Work is split over disjoint blocks of C and every element of C is
 * summed over k in the same order whatever the thread count, so results are deterministic.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the micro-kernel. */
    static final int MR = 6;
    /** Columns of the micro-kernel: two vectors. */
    static final int NR = 2 * L;
    /** Depth of one k-block: a packed strip of KC×NR floats stays in L1. */
    static final int KC = 256;
    /** B is packed when it is transposed, or when the k-block of B is larger than this many floats. */
    private static final int DIRECT_B_LIMIT = 160 * 1024;
    /** Below this many multiply-adds the call stays on the calling thread. */
    private static final long PARALLEL_MIN_FMAS = 1L << 20;

    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NR]);

    private Gemm() {}

    /** {@code c[m×n] = a[m×k]·b[k×n]}. */
    public static void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        gemm(false, false, m, n, k, a, 0, b, 0, c, 0, false);
    }

    /** {@code c[m×n] = a[k×m]ᵀ·b[k×n]} (e.g. a weight gradient {@code xᵀ·dy}). */
    public static void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n) {
        gemm(true, false, m, n, k, a, 0, b, 0, c, 0, false);
    }

    /** {@code c[m×n] = a[m×k]·b[n×k]ᵀ} (e.g. an input gradient {@code dy·Wᵀ}). */
    public static void matmulTransB(float[] a, float[] b, float[] c, int m, int k, int n) {
        gemm(false, true, m, n, k, a, 0, b, 0, c, 0, false);
    }

    /**
     * The general form: {@code C[m×n] = op(A)·op(B)} or, with {@code accumulate}, {@code C += op(A)·op(B)}.
     * op(A) is m×k, stored as A[m×k] or, if {@code transA}, as A[k×m]; op(B) is k×n, stored as B[k×n] or,
     * if {@code transB}, as B[n×k]. C is m×n, dense, starting at {@code cOff}.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size " + m + "x" + n + "x" + k);
        checkBounds("A", a, aOff, (long) m * k);
        checkBounds("B", b, bOff, (long) k * n);
        checkBounds("C", c, cOff, (long) m * n);
        if (m == 0 || n == 0) return;
        if (!accumulate) java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        if (k == 0) return;

        final int aRowStride = transA ? 1 : k;
        final int aKStride = transA ? m : 1;
        final boolean packB = transB || (long) Math.min(k, KC) * n > DIRECT_B_LIMIT;

        // Split C into column strips (preferred: each strip of B is used by one thread only) or row blocks.
        int strips = (n + NR - 1) / NR;
        int threads = (long) m * n * k < PARALLEL_MIN_FMAS ? 1 : Parallel.threads();
        int colChunks = Math.min(strips, threads);
        int rowChunks = 1;
        if (colChunks < threads) {
            rowChunks = Math.max(1, Math.min(threads / Math.max(colChunks, 1), (m + MR - 1) / MR));
        }
        final int cc = colChunks, rc = rowChunks;
        final int rowBlocks = (m + MR - 1) / MR;
        Parallel.forEach(cc * rc, chunk -> {
            int ci = chunk % cc, ri = chunk / cc;
            int j0 = (int) ((long) strips * ci / cc) * NR, j1 = Math.min(n, (int) ((long) strips * (ci + 1) / cc) * NR);
            int i0 = (int) ((long) rowBlocks * ri / rc) * MR, i1 = Math.min(m, (int) ((long) rowBlocks * (ri + 1) / rc) * MR);
            block(a, aOff, aRowStride, aKStride, b, bOff, transB, packB, c, cOff, n, k, i0, i1, j0, j1);
        });
    }

    private static void checkBounds(String name, float[] arr, int off, long need) {
        if (off < 0 || off + need > arr.length) {
            throw new IllegalArgumentException("GEMM operand " + name + " needs " + need + " floats from offset "
                    + off + " but has length " + arr.length);
        }
    }

    /** Computes C[i0:i1, j0:j1] over all of k, one k-block and one NR-wide strip at a time. */
    private static void block(float[] a, int aOff, int ars, int aks, float[] b, int bOff, boolean transB,
                              boolean packB, float[] c, int cOff, int n, int k, int i0, int i1, int j0, int j1) {
        float[] pack = packB ? PACK.get() : null;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int j = j0; j < j1; j += NR) {
                int nr = Math.min(NR, j1 - j);
                float[] bs;
                int bso, bstride;
                if (packB) {
                    packStrip(b, bOff, transB, n, k, p0, kc, j, nr, pack);
                    bs = pack; bso = 0; bstride = NR;
                } else {
                    bs = b; bso = bOff + p0 * n + j; bstride = n;
                }
                int ao = aOff + p0 * aks;
                int i = i0;
                if (nr == NR) {
                    for (; i + MR <= i1; i += MR) kernel6x2(a, ao + i * ars, ars, aks, bs, bso, bstride, c, cOff + i * n + j, n, kc);
                    for (; i < i1; i++) kernel1x2(a, ao + i * ars, aks, bs, bso, bstride, c, cOff + i * n + j, kc);
                } else {
                    for (int jj = 0; jj < nr; jj += L) {
                        VectorMask<Float> mask = S.indexInRange(jj, nr);
                        int ii = i0;
                        for (; ii + MR <= i1; ii += MR) kernel6x1(a, ao + ii * ars, ars, aks, bs, bso + jj, bstride, c, cOff + ii * n + j + jj, n, kc, mask);
                        for (; ii < i1; ii++) kernel1x1(a, ao + ii * ars, aks, bs, bso + jj, bstride, c, cOff + ii * n + j + jj, kc, mask);
                    }
                }
            }
        }
    }

    /** Copies op(B)[p0:p0+kc, j:j+nr] into {@code pack[kk*NR + jj]}, zero-padding columns past nr. */
    private static void packStrip(float[] b, int bOff, boolean transB, int n, int k, int p0, int kc, int j, int nr, float[] pack) {
        if (!transB) {
            for (int kk = 0; kk < kc; kk++) {
                System.arraycopy(b, bOff + (p0 + kk) * n + j, pack, kk * NR, nr);
                if (nr < NR) java.util.Arrays.fill(pack, kk * NR + nr, kk * NR + NR, 0f);
            }
        } else {
            // op(B)[kk, jj] = B[j+jj, p0+kk]: read rows of B contiguously, write columns of the strip.
            if (nr < NR) java.util.Arrays.fill(pack, 0, kc * NR, 0f);
            for (int jj = 0; jj < nr; jj++) {
                int src = bOff + (j + jj) * k + p0;
                for (int kk = 0; kk < kc; kk++) pack[kk * NR + jj] = b[src + kk];
            }
        }
    }

    private static void kernel6x2(float[] a, int ao, int ars, int aks, float[] b, int bo, int bs,
                                  float[] c, int co, int ldc, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, co), c01 = FloatVector.fromArray(S, c, co + L);
        FloatVector c10 = FloatVector.fromArray(S, c, co + ldc), c11 = FloatVector.fromArray(S, c, co + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc), c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc), c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, co + 4 * ldc), c41 = FloatVector.fromArray(S, c, co + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, co + 5 * ldc), c51 = FloatVector.fromArray(S, c, co + 5 * ldc + L);
        int a0 = ao, a1 = ao + ars, a2 = ao + 2 * ars, a3 = ao + 3 * ars, a4 = ao + 4 * ars, a5 = ao + 5 * ars;
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * bs, ap = p * aks;
            FloatVector b0 = FloatVector.fromArray(S, b, bp), b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + ap]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ap]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ap]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ap]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + ap]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + ap]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, co); c01.intoArray(c, co + L);
        c10.intoArray(c, co + ldc); c11.intoArray(c, co + ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    private static void kernel1x2(float[] a, int ao, int aks, float[] b, int bo, int bs, float[] c, int co, int kc) {
        FloatVector c0 = FloatVector.fromArray(S, c, co), c1 = FloatVector.fromArray(S, c, co + L);
        for (int p = 0; p < kc; p++) {
            int bp = bo + p * bs;
            FloatVector x = FloatVector.broadcast(S, a[ao + p * aks]);
            c0 = x.fma(FloatVector.fromArray(S, b, bp), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bp + L), c1);
        }
        c0.intoArray(c, co); c1.intoArray(c, co + L);
    }

    private static void kernel6x1(float[] a, int ao, int ars, int aks, float[] b, int bo, int bs,
                                  float[] c, int co, int ldc, int kc, VectorMask<Float> m) {
        FloatVector c0 = FloatVector.fromArray(S, c, co, m);
        FloatVector c1 = FloatVector.fromArray(S, c, co + ldc, m);
        FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * ldc, m);
        FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * ldc, m);
        FloatVector c4 = FloatVector.fromArray(S, c, co + 4 * ldc, m);
        FloatVector c5 = FloatVector.fromArray(S, c, co + 5 * ldc, m);
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bo + p * bs, m);
            int ap = ao + p * aks;
            c0 = bv.fma(FloatVector.broadcast(S, a[ap]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[ap + ars]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[ap + 2 * ars]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[ap + 3 * ars]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[ap + 4 * ars]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[ap + 5 * ars]), c5);
        }
        c0.intoArray(c, co, m); c1.intoArray(c, co + ldc, m); c2.intoArray(c, co + 2 * ldc, m);
        c3.intoArray(c, co + 3 * ldc, m); c4.intoArray(c, co + 4 * ldc, m); c5.intoArray(c, co + 5 * ldc, m);
    }

    private static void kernel1x1(float[] a, int ao, int aks, float[] b, int bo, int bs, float[] c, int co, int kc,
                                  VectorMask<Float> m) {
        FloatVector c0 = FloatVector.fromArray(S, c, co, m);
        for (int p = 0; p < kc; p++) {
            c0 = FloatVector.fromArray(S, b, bo + p * bs, m).fma(FloatVector.broadcast(S, a[ao + p * aks]), c0);
        }
        c0.intoArray(c, co, m);
    }
}
