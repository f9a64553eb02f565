package dev.keel.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix multiply {@code C[m×n] (+)= op(A)·op(B)}, row-major, in the three forms training
 * needs: {@code A·B}, {@code Aᵀ·B} and {@code A·Bᵀ}; no transpose is ever materialised.
 *
 * <p>Design (after Goto &amp; van de Geijn): for each k-block of {@link #KCP} floats (256 with AVX-512, 512 with
 * AVX2; {@value #KC} where B is read in place), a block of op(B) is packed into strips {@link #NR} columns wide, contiguous with a compile-time stride.
 * A micro-kernel of {@link #MR} rows × two SIMD vectors (8 rows with AVX-512, 5 with AVX2: whatever fits the
 * register file) keeps 2·MR accumulators in registers, broadcasting one element of A per row per step. A is read
 * in place wherever it can be; the rest of it is copied as rows. Blocks at the edges are computed in a
 * zero-padded tile. Threads take disjoint blocks of C and every element is summed over k in the same order, so
 * results are bit-identical whatever the thread count.
 *
 * <p>The micro-kernels repeat one pattern on purpose, one method per access pattern (A in place or Aᵀ, B
 * packed or in place): C2 removes range checks only for compile-time strides, and does not inline methods this
 * large, so a shared helper taking a stride or FloatVector arguments would be slower (the vectors would be
 * boxed).
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Rows of the micro-kernel: MR×2 accumulators, two B vectors and a broadcast must fit in the vector
     * registers. With 512-bit vectors (AVX-512: 32 registers) that is 8 rows (19 registers). With 256-bit
     * vectors (AVX2: 16 registers) 8 rows spill accumulators to the stack on every step (24 GFLOP/s of a
     * measured 90 on a Zen 3 core), and so, as C2 allocates them, do 6; 5 rows run at 80–90. -Dkeel.gemmRows=5|8.
     */
    static final int MR = microKernelRows();
    /** Rows of C the narrow-output kernel keeps in registers when one vector holds a row (10 registers in all). */
    private static final int NARROW_ROWS = 8;
    /** Columns of the micro-kernel: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a k-block: one packed B strip (KC×NR floats) stays in L1. */
    static final int KC = 256;
    /** Rows of A in one block (MC×KCP floats, read in place or copied, stay in L2): 12 panels. */
    static final int MC = 12 * MR;
    /** Columns of a block when B is read in place (a few rows of C). */
    static final int NC = 512;
    /**
     * Depth and width of a k-block when B is packed (from DIRECT_B_ROWS rows of C, or transB): twice KC, so the C tiles, which
     * come from L3 on every pass over k, are loaded and stored half as often. Paired against KC×NC in one process
     * (Zen 3, 16 rounds): 1.07-1.12× on one thread at 1024³, 1024×2048×784 (NN, TN) and 1024×784×2048 (NT),
     * 1.03-1.08× on two. The packed B strip (KCP×NR floats) then fills L1, which costs less than the C traffic saved.
     * Row-major B read in place keeps KC: there, 512 cost 4-12% (measured when B was read in place at 784×128×1024 TN).
     * With AVX-512 the strip is twice as wide (NR = 32), so 512 deep it is 64 KB, more than a 48 KB L1, and KCP is
     * 256: paired on an Intel Xeon, one thread, 1.10× at 1024³ TN, 1.03-1.04× at 1024³ and 1024×784×128 NN;
     * training at batch 1024 on two threads 1.074× (1.06-1.09). (Session 8 had found no gain from 256, while Aᵀ
     * was still read in place: the strided A, not B, was then the limit.)
     */
    static final int KCP = MR == 8 ? 256 : 512, NCP = 256;
    /**
     * Row-major B is read in place (not packed) when a block of C has fewer rows than this and one k-block of B
     * stays below {@link #DIRECT_B_LIMIT} floats: few rows cannot amortize packing. From there on B is packed, so
     * its strips are contiguous (a 512-byte row stride maps a strip into 8 of L1's 64 sets) and the kernels index
     * B with a compile-time stride, which lets C2 drop the range checks from their loops. Paired against reading
     * B in place (Zen 3, one thread, B hot in cache): 1.27× at 1024×128×784, 1.15× at 784×128×1024 (TN), 1.20× at
     * 1024³. With 32 rows it won 1.25× hot, but lost 17% in the batch-32 forward of training (bench step), where
     * the weights come from L3 after the rest of the step; so the limit was 64. On an Intel Xeon (AVX-512, packing
     * cheaper since then), packing from 32 rows trains at batch 32 1.017-1.037× faster on two threads (three paired
     * runs of bench versions) and 1.026× on one, so there the limit is 32 (blocks of a batch-32 forward are 32 rows);
     * AVX2 keeps the 64 measured on the Zen 3.
     * -Dkeel.directBRows.
     */
    private static final int DIRECT_B_ROWS = Integer.getInteger("keel.directBRows", MR == 8 ? 32 : 64);
    private static final int DIRECT_B_LIMIT = 160 * 1024;
    /**
     * When C is split into row blocks across threads, B is packed once, whole, before the split, and every block
     * reads that copy, if it is at most this many floats (4M, 16 MB); larger, each block packs its own k-blocks.
     */
    private static final long SHARED_B_LIMIT = 1L << 22;
    /**
     * Row-major A (forward GEMMs) is read in place by the row kernels for every full panel when the strips are
     * full: rows streamed side by side stay in L1 across the strips, and skipping the copy gains 8–15% at
     * 32/1024×784×128 (JMH, interleaved runs). When B is packed, Aᵀ (weight gradients) is read
     * in place too ({@link #kernelTransA5}, {@link #kernelTransA}). -Dkeel.directA=false copies both.
     */
    private static final boolean DIRECT_A = Boolean.parseBoolean(System.getProperty("keel.directA", "true"));
    /**
     * Aᵀ (a weight gradient's A, row-major [k×m]) is copied into panels of MR rows ({@link #packTransA8},
     * {@link #packTransA5}) instead of read in place, when its rows are at least this many floats apart (2 KB:
     * beyond the stride that the L1 prefetcher follows, so each step of an in-place read waits on L2) and the
     * k-block is at least {@link #PACK_TRANS_A_DEPTH} deep (shallower, a panel's lines stay in L1 across the
     * strips). Paired, one thread, Intel Xeon: 1.23× at 784×1024×128 TN, 1.57× at 1024³ TN, 1.09× at
     * 784×256×128; 0.89× at 784×32×128 and 0.99× at 784×128×128
     * (hence the depth); 0.85× at 128×1024×64 (hence the stride). With 5-row panels on a Zen 3 (AVX2, session 13):
     * 784×1024×128 TN on one thread 0.89-0.96 of OpenBLAS's speed against 0.80-0.85 in place (`bin/bench paired`,
     * three runs of each build in turns); training at batch 1024, paired epochs, 1.069× and 1.047× on two threads,
     * 1.033× on one; batch 256 1.009×.
     */
    private static final int PACK_TRANS_A_STRIDE = 512, PACK_TRANS_A_DEPTH = 256;
    /** Row blocks per thread in a parallel GEMM (load balancing); -Dkeel.gemmGrain. */
    private static final int GRAIN = Integer.getInteger("keel.gemmGrain", 4);
    /**
     * Below this many multiply-adds (1M) a GEMM stays on the calling thread; -Dkeel.parallelMinFmas.
     * Measured in training by interleaving whole epochs of two builds in one JVM, after 10-12 warm-up epochs:
     * splitting the first layer's GEMMs at batch 32 (3.2M FMAs) gains 1.09-1.13× on two threads, at batch 16
     * 1.16×. An earlier measurement with two warm-up epochs had found a 6% loss there: C2 was still compiling
     * the training loop, for seconds of one core, so splitting competed with the compiler for the second core.
     */
    private static final long PARALLEL_MIN_FMAS = Long.getLong("keel.parallelMinFmas", 1L << 20);
    /**
     * From this many multiply-adds (512K) a GEMM is split when a worker is already awake
     * ({@link Parallel#helpersAwake}): the output layer's three 655K-FMA GEMMs in a batch-1024 step, which
     * follow or precede the large ones. At 256K the second layer's three GEMMs at batch 32 (262,144 FMAs each)
     * were split too and ran slower (forward 6.2 µs on one thread, 8.1 on two); 512K trains batch 32 1.046-1.048×
     * faster (paired, Fashion-MNIST, Intel Xeon) and batch 1024 1.006×. -Dkeel.awakeMinFmas.
     */
    private static final long AWAKE_MIN_FMAS = Long.getLong("keel.awakeMinFmas", 1L << 19);

    /** Per thread: packed B, packed A, an edge tile, two grown on demand (narrow B, shared B), and Aᵀ panels (+8: the
     * last 8-float copy of {@link #packTransA5} runs 3 floats past its panel). */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[Math.max(KC * NC, KCP * NCP)], new float[MC * Math.max(KC, KCP)], new float[Math.max(MR * NR, NARROW_ROWS * L)], new float[0], new float[0], new float[MC * KCP + 8]});

    /** Two zero vectors, which a micro-kernel's accumulators load instead of C when C starts at zero. */
    private static final float[] ZERO_ROWS = new float[2 * L];

    private Gemm() {}

    private static int microKernelRows() {
        int rows = Integer.getInteger("keel.gemmRows", S.vectorBitSize() >= 512 ? 8 : 5);
        if (rows != 5 && rows != 8) throw new IllegalArgumentException("-Dkeel.gemmRows must be 5 or 8, got " + rows);
        return rows;
    }

    /** The micro-kernel's shape, e.g. "5x16 (256-bit vectors)", for benchmark reports. */
    public static String microKernel() {
        return MR + "x" + NR + " (" + S.vectorBitSize() + "-bit vectors)";
    }

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
        gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, null);
    }

    /**
     * {@code C[m×n] = bias + op(A)·op(B)}, {@code bias[n]} added to every row (a Dense layer's forward). The
     * same bits as filling C with the bias and accumulating.
     */
    public static void gemmBias(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] bias) {
        checkBounds("bias", bias, 0, n);
        gemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, false, bias);
    }

    /**
     * Unless accumulating, C starts as zeros or the bias rows. Zeros are never written: in the blocked path the
     * first k-block's accumulators start from zero instead of loading C. Bias rows are filled by the thread that
     * computes each block, just before it does: the fill runs in parallel, and the block is in that core's cache
     * when the kernel first loads it (a separate pass over the first layer's 512 KB output ran serially and left
     * most of it in L3).
     */
    private static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                             float[] c, int cOff, boolean accumulate, float[] bias) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("negative GEMM size " + m + "x" + n + "x" + k);
        checkBounds("A", a, aOff, (long) m * k);
        checkBounds("B", b, bOff, (long) k * n);
        checkBounds("C", c, cOff, (long) m * n);
        if (m == 0 || n == 0) return;
        boolean init = !accumulate;
        if (k == 0) {
            if (init) initRows(c, cOff, n, 0, m, 0, n, bias);
            return;
        }

        if (n < NR && !transB && (m >= NARROW_ROWS || transA)) {
            // A narrow output (10 classes), forward or weight gradient: one or two vectors per row of C.
            narrow(transA, m, n, k, a, aOff, b, bOff, c, cOff, init, bias);
            return;
        }
        if ((m < MR || n < NR) && !transA && !transB) {
            // A few rows (batch-1 inference) or a narrow output (10 classes): packing would cost more than the
            // arithmetic; each row streams B, which is then small enough to stay in cache.
            if (init) initRows(c, cOff, n, 0, m, 0, n, bias);
            for (int i = 0; i < m; i++) rowTimesMatrix(a, aOff + i * k, b, bOff, c, cOff + i * n, k, n);
            return;
        }
        // Split C so that each thread packs only its own part of the larger operand: row blocks when A is the
        // larger (m > n), column blocks otherwise; fall back to the other split when there are too few blocks.
        int strips = (n + NR - 1) / NR, panels = (m + MR - 1) / MR;
        int threads = split((long) m * n * k) ? Parallel.threads() : 1;
        int colChunks, rowChunks;
        if (m > n && panels >= threads) {
            // Several row blocks per thread: B is packed once and shared, and each block copies only its own rows
            // of A (if any), so extra blocks cost little, and whichever thread finishes first takes the next one.
            rowChunks = threads == 1 ? 1 : Math.min(panels, threads * GRAIN);
            colChunks = 1;
        } else {
            colChunks = Math.min(strips, threads);
            rowChunks = colChunks < threads ? Math.max(1, Math.min(threads / colChunks, panels)) : 1;
        }
        final int cc = colChunks, rc = rowChunks;
        // Row blocks share B: packed once, here (its k-blocks in parallel), instead of once by every block. Whether
        // to pack is decided on all m rows, which all reuse the copy: by each block's rows, the eight 16-row blocks of
        // a two-thread 128×64×1024 weight gradient read B in place, and that GEMM ran no faster on two threads.
        float[] sharedB = null;
        if (rc > 1 && cc == 1 && !readsBInPlace(transB, m, n, k) && (long) k * strips * NR <= SHARED_B_LIMIT) {
            float[][] buf = BUFFERS.get();
            if (buf[4].length < k * strips * NR) buf[4] = new float[k * strips * NR];
            float[] bs = sharedB = buf[4];
            int blocksK = (k + KCP - 1) / KCP, blocksN = (n + NCP - 1) / NCP;
            Parallel.forEach(blocksK * blocksN, blk -> {
                int pc = blk / blocksN * KCP, jc = blk % blocksN * NCP;
                int kc = Math.min(KCP, k - pc);
                packB(transB, b, bOff, n, k, pc, kc, jc, Math.min(NCP, n - jc), bs, sharedOffset(pc, jc, kc, strips));
            });
        }
        final float[] sb = sharedB;
        Parallel.forEach(cc * rc, chunk -> {
            int ci = chunk % cc, ri = chunk / cc;
            int j0 = (int) ((long) strips * ci / cc) * NR, j1 = Math.min(n, (int) ((long) strips * (ci + 1) / cc) * NR);
            int i0 = (int) ((long) panels * ri / rc) * MR, i1 = Math.min(m, (int) ((long) panels * (ri + 1) / rc) * MR);
            // C = A·B needs no fill: the first k-block's accumulators start from zero instead of loading C.
            if (init && bias != null) initRows(c, cOff, n, i0, i1, j0, j1, bias);
            block(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, i0, i1, j0, j1, sb, init && bias == null);
        });
    }

    /**
     * Whether {@link #block} reads row-major B in place for a block of C with this many rows: a few rows times a
     * B whose k-block fits in cache (batch-32 training, batch-8 inference). There, packing B would cost more than
     * it saves: B is cold (the rest of a training step has run since its last use) and is reused by few rows.
     */
    private static boolean readsBInPlace(boolean transB, int rows, int n, int k) {
        return !transB && rows < DIRECT_B_ROWS && (long) Math.min(k, KC) * n <= DIRECT_B_LIMIT;
    }

    /** Where the k-block at pc (kc deep) and column block at jc start in a B packed whole, strips·NR wide. */
    private static int sharedOffset(int pc, int jc, int kc, int strips) {
        return pc * strips * NR + jc * kc;
    }

    /** C[i0:i1, j0:j1] = 0, or bias[j0:j1] in every row. */
    private static void initRows(float[] c, int cOff, int n, int i0, int i1, int j0, int j1, float[] bias) {
        if (bias == null && j0 == 0 && j1 == n) {   // whole rows: one contiguous fill (narrow outputs have 10-float rows)
            java.util.Arrays.fill(c, cOff + i0 * n, cOff + i1 * n, 0f);
            return;
        }
        for (int i = i0; i < i1; i++) {
            int o = cOff + i * n;
            if (bias == null) java.util.Arrays.fill(c, o + j0, o + j1, 0f);
            else System.arraycopy(bias, j0, c, o + j0, j1 - j0);
        }
    }

    /**
     * From this many multiply-adds each, two independent GEMMs too small to split ({@link #split}) run side by side
     * on two threads when a worker is awake ({@link #sideBySide}); -Dkeel.pairMinFmas.
     */
    private static final long PAIR_MIN_FMAS = Long.getLong("keel.pairMinFmas", 1L << 17);

    /**
     * Runs {@code first} and {@code second}, two independent computations of about {@code fmasEach} multiply-adds
     * each (a Dense backward's dW = xᵀ·dz and dx = dz·Wᵀ, which always cost the same), at the same time on the
     * calling thread and a worker when each is too small to be split but large enough to pay for the hand-off and
     * a worker is awake; else one after the other. Each runs whole on one thread, with the code it runs alone, so
     * the results are the same bits either way.
     */
    public static void sideBySide(long fmasEach, Runnable first, Runnable second) {
        sideBySide(fmasEach >= PAIR_MIN_FMAS && !split(fmasEach) && Parallel.helpersAwake(), first, second);
    }

    /** {@code together}: on two threads (if there are two), else one after the other. */
    static void sideBySide(boolean together, Runnable first, Runnable second) {
        if (together) {
            Parallel.forEach(2, c -> (c == 0 ? first : second).run());
            return;
        }
        first.run();
        second.run();
    }

    /** Whether a GEMM of this many multiply-adds uses the kernel threads. */
    private static boolean split(long fmas) {
        return fmas >= PARALLEL_MIN_FMAS || fmas >= AWAKE_MIN_FMAS && Parallel.helpersAwake();
    }

    private static void checkBounds(String name, float[] arr, int off, long need) {
        if (off < 0 || off + need > arr.length) {
            throw new IllegalArgumentException("GEMM operand " + name + " needs " + need + " floats from offset "
                    + off + " but has length " + arr.length);
        }
    }

    /**
     * {@code c[0:n] += a[0:k]·B[k×n]}: for each block of eight or four vectors of columns, accumulate over k in
     * registers.
     * Each element gets the same fma sequence (p = 0, 1, …) as in the blocked kernel, so results do not depend
     * on which path computed them.
     */
    private static void rowTimesMatrix(float[] a, int ao, float[] b, int bo, float[] c, int co, int k, int n) {
        // Blocks of eight vectors first (128 columns with AVX-512: each B row read whole, in memory order), in a
        // method of their own: in this one they slowed the four-vector loop of 1×64×128 to 0.79× (paired, Xeon).
        int j = n >= 8 * L ? rowTimesMatrix8(a, ao, b, bo, c, co, k, n) : 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector c0 = FloatVector.fromArray(S, c, co + j), c1 = FloatVector.fromArray(S, c, co + j + L);
            FloatVector c2 = FloatVector.fromArray(S, c, co + j + 2 * L), c3 = FloatVector.fromArray(S, c, co + j + 3 * L);
            for (int p = 0, bi = bo + j; p < k; p++, bi += n) {
                FloatVector x = FloatVector.broadcast(S, a[ao + p]);
                c0 = x.fma(FloatVector.fromArray(S, b, bi), c0);
                c1 = x.fma(FloatVector.fromArray(S, b, bi + L), c1);
                c2 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), c2);
                c3 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), c3);
            }
            c0.intoArray(c, co + j); c1.intoArray(c, co + j + L); c2.intoArray(c, co + j + 2 * L); c3.intoArray(c, co + j + 3 * L);
        }
        for (; j < n; j += L) {
            var mask = S.indexInRange(j, n);
            FloatVector c0 = FloatVector.fromArray(S, c, co + j, mask);
            for (int p = 0, bi = bo + j; p < k; p++, bi += n) {
                c0 = FloatVector.broadcast(S, a[ao + p]).fma(FloatVector.fromArray(S, b, bi, mask), c0);
            }
            c0.intoArray(c, co + j, mask);
        }
    }

    /**
     * The blocks of eight vectors of {@link #rowTimesMatrix}; returns the first column it left. They stream the
     * 401 KB first-layer kernel in half the passes of four-vector blocks: 1.03–1.36× at 1×784×128 on a Zen 3 (8
     * lanes, 256 bytes of each B row), 1.20-1.27× on an Intel Xeon (16 lanes, all 512).
     */
    private static int rowTimesMatrix8(float[] a, int ao, float[] b, int bo, float[] c, int co, int k, int n) {
        int j = 0;
        for (; j + 8 * L <= n; j += 8 * L) {
            FloatVector c0 = FloatVector.fromArray(S, c, co + j), c1 = FloatVector.fromArray(S, c, co + j + L);
            FloatVector c2 = FloatVector.fromArray(S, c, co + j + 2 * L), c3 = FloatVector.fromArray(S, c, co + j + 3 * L);
            FloatVector c4 = FloatVector.fromArray(S, c, co + j + 4 * L), c5 = FloatVector.fromArray(S, c, co + j + 5 * L);
            FloatVector c6 = FloatVector.fromArray(S, c, co + j + 6 * L), c7 = FloatVector.fromArray(S, c, co + j + 7 * L);
            for (int p = 0, bi = bo + j; p < k; p++, bi += n) {
                FloatVector x = FloatVector.broadcast(S, a[ao + p]);
                c0 = x.fma(FloatVector.fromArray(S, b, bi), c0);
                c1 = x.fma(FloatVector.fromArray(S, b, bi + L), c1);
                c2 = x.fma(FloatVector.fromArray(S, b, bi + 2 * L), c2);
                c3 = x.fma(FloatVector.fromArray(S, b, bi + 3 * L), c3);
                c4 = x.fma(FloatVector.fromArray(S, b, bi + 4 * L), c4);
                c5 = x.fma(FloatVector.fromArray(S, b, bi + 5 * L), c5);
                c6 = x.fma(FloatVector.fromArray(S, b, bi + 6 * L), c6);
                c7 = x.fma(FloatVector.fromArray(S, b, bi + 7 * L), c7);
            }
            c0.intoArray(c, co + j); c1.intoArray(c, co + j + L); c2.intoArray(c, co + j + 2 * L); c3.intoArray(c, co + j + 3 * L);
            c4.intoArray(c, co + j + 4 * L); c5.intoArray(c, co + j + 5 * L); c6.intoArray(c, co + j + 6 * L); c7.intoArray(c, co + j + 7 * L);
        }
        return j;
    }

    /**
     * {@code C[m×n] += op(A)·B} for n below one micro-kernel strip: eight rows of C at a time in registers when n
     * fits in one vector, four rows of two vectors otherwise (10 classes with AVX2's 8 lanes; before this, such
     * outputs took the masked row path, 290 µs for the 1024×64×10 forward on a Zen 3). Either way eight
     * independent fma chains, each B row loaded once for all the rows. Summed over p = 0, 1, … like every
     * other path. B is copied into rows padded to one vector and C goes through a padded tile, so no load or
     * store is masked: masked accesses near an array's end drop the JIT-compiled loop onto a slow path.
     * The eight-row and one-row loops are separate methods so that each is compiled for its own use (a
     * batch-1 warm-up must not shape the code that later runs 1024 rows).
     */
    private static void narrow(boolean transA, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               boolean init, float[] bias) {
        // One vector per row of C when n fits in one (10 classes with AVX-512), else two (10 classes with AVX2).
        int w = n <= L ? L : 2 * L;
        float[][] buf = BUFFERS.get();
        if (buf[3].length < k * w) buf[3] = new float[k * w];
        float[] bp = buf[3];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * n, bp, p * w, n);
            java.util.Arrays.fill(bp, p * w + n, (p + 1) * w, 0f);   // padding lanes: zeros, never stale denormals
        }
        int rowsAtOnce = NARROW_ROWS * L / w;   // 8 rows of one vector or 4 of two: 8 accumulators either way
        // Threads take whole groups of rows (the last one also the leftover rows), so every row goes through
        // the same kernel as on one thread: the same bits.
        int groups = m / rowsAtOnce;
        int chunks = groups >= 2 && split((long) m * n * k) ? Math.min(groups, Parallel.threads()) : 1;
        Parallel.forEach(chunks, ch -> {
            int i0 = groups * ch / chunks * rowsAtOnce, i1 = ch == chunks - 1 ? m : groups * (ch + 1) / chunks * rowsAtOnce;
            if (init) initRows(c, cOff, n, i0, i1, 0, n, bias);
            narrowRows(transA, m, n, k, w, a, aOff, bp, c, cOff, i0, i1);
        });
    }

    /** Rows [i0, i1) of a narrow product, with B already packed into bp (rows w wide). */
    private static void narrowRows(boolean transA, int m, int n, int k, int w, float[] a, int aOff, float[] bp,
                                   float[] c, int cOff, int i0, int i1) {
        float[] tile = BUFFERS.get()[2];
        java.util.Arrays.fill(tile, 0, NARROW_ROWS * L, 0f);
        // op(A)[i, p] sits at aOff + i·rowStep + p·depthStep.
        int rowStep = transA ? 1 : k, depthStep = transA ? m : 1;
        int rowsAtOnce = NARROW_ROWS * L / w;
        int i = i0;
        for (; i + rowsAtOnce <= i1; i += rowsAtOnce) {
            for (int r = 0; r < rowsAtOnce; r++) System.arraycopy(c, cOff + (i + r) * n, tile, r * w, n);
            if (w == L) narrowRows8(a, aOff + i * rowStep, rowStep, depthStep, k, bp, tile);
            else narrowRows4x2(a, aOff + i * rowStep, rowStep, depthStep, k, bp, tile);
            for (int r = 0; r < rowsAtOnce; r++) System.arraycopy(tile, r * w, c, cOff + (i + r) * n, n);
        }
        for (; i < i1; i++) {
            System.arraycopy(c, cOff + i * n, tile, 0, n);
            if (w == L) narrowRow(a, aOff + i * rowStep, depthStep, k, bp, tile);
            else narrowRow2(a, aOff + i * rowStep, depthStep, k, bp, tile);
            System.arraycopy(tile, 0, c, cOff + i * n, n);
        }
    }

    /** tile[4×2L] += A's four rows (row r at a0 + r·rowStep, depth step depthStep) · bp[k×2L]. */
    private static void narrowRows4x2(float[] a, int a0, int rowStep, int depthStep, int k, float[] bp, float[] tile) {
        FloatVector c00 = FloatVector.fromArray(S, tile, 0), c01 = FloatVector.fromArray(S, tile, L);
        FloatVector c10 = FloatVector.fromArray(S, tile, 2 * L), c11 = FloatVector.fromArray(S, tile, 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, tile, 4 * L), c21 = FloatVector.fromArray(S, tile, 5 * L);
        FloatVector c30 = FloatVector.fromArray(S, tile, 6 * L), c31 = FloatVector.fromArray(S, tile, 7 * L);
        for (int p = 0, ai = a0, bi = 0; p < k; p++, ai += depthStep, bi += 2 * L) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + rowStep]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + 2 * rowStep]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + 3 * rowStep]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c10.intoArray(tile, 2 * L); c11.intoArray(tile, 3 * L);
        c20.intoArray(tile, 4 * L); c21.intoArray(tile, 5 * L); c30.intoArray(tile, 6 * L); c31.intoArray(tile, 7 * L);
    }

    /** tile[0:2L] += one row of A (from a0, depth step depthStep) · bp[k×2L]. */
    private static void narrowRow2(float[] a, int a0, int depthStep, int k, float[] bp, float[] tile) {
        FloatVector c0 = FloatVector.fromArray(S, tile, 0), c1 = FloatVector.fromArray(S, tile, L);
        for (int p = 0, ai = a0, bi = 0; p < k; p++, ai += depthStep, bi += 2 * L) {
            FloatVector x = FloatVector.broadcast(S, a[ai]);
            c0 = x.fma(FloatVector.fromArray(S, bp, bi), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, bi + L), c1);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, L);
    }

    /** tile[8×L] += A's eight rows (row r at a0 + r·rowStep, depth step depthStep) · bp[k×L]. */
    private static void narrowRows8(float[] a, int a0, int rowStep, int depthStep, int k, float[] bp, float[] tile) {
        FloatVector c0 = FloatVector.fromArray(S, tile, 0), c1 = FloatVector.fromArray(S, tile, L);
        FloatVector c2 = FloatVector.fromArray(S, tile, 2 * L), c3 = FloatVector.fromArray(S, tile, 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, tile, 4 * L), c5 = FloatVector.fromArray(S, tile, 5 * L);
        FloatVector c6 = FloatVector.fromArray(S, tile, 6 * L), c7 = FloatVector.fromArray(S, tile, 7 * L);
        for (int p = 0, ai = a0, bi = 0; p < k; p++, ai += depthStep, bi += L) {
            FloatVector bv = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[ai + rowStep]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2 * rowStep]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3 * rowStep]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[ai + 4 * rowStep]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[ai + 5 * rowStep]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[ai + 6 * rowStep]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[ai + 7 * rowStep]).fma(bv, c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, L); c2.intoArray(tile, 2 * L); c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L); c5.intoArray(tile, 5 * L); c6.intoArray(tile, 6 * L); c7.intoArray(tile, 7 * L);
    }

    /** tile[0:L] += one row of A (from a0, depth step depthStep) · bp[k×L]. */
    private static void narrowRow(float[] a, int a0, int depthStep, int k, float[] bp, float[] tile) {
        FloatVector c0 = FloatVector.fromArray(S, tile, 0);
        for (int p = 0, ai = a0, bi = 0; p < k; p++, ai += depthStep, bi += L) {
            c0 = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, bp, bi), c0);
        }
        c0.intoArray(tile, 0);
    }

    /** C[i0:i1, j0:j1] += op(A)[i0:i1, :]·op(B)[:, j0:j1], blocked and packed. */
    private static void block(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                              float[] c, int cOff, int i0, int i1, int j0, int j1, float[] sharedB, boolean zeroStart) {
        float[][] buf = BUFFERS.get();
        float[] bp = sharedB != null ? sharedB : buf[0], ap = buf[1], tile = buf[2], apT = buf[5];
        // B read in place: only its partial last strip is packed (padded).
        boolean direct = sharedB == null && readsBInPlace(transB, i1 - i0, n, k);
        int kcMax = direct ? KC : KCP, ncMax = direct ? NC : NCP, strips = (n + NR - 1) / NR;
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            boolean load = pc > 0 || !zeroStart;
            for (int jc = j0; jc < j1; jc += ncMax) {
                int nc = Math.min(ncMax, j1 - jc);
                int fullStrips = direct ? nc / NR * NR : 0;
                int bpOff = sharedB != null ? sharedOffset(pc, jc, kc, strips) : 0;
                if (sharedB == null && fullStrips < nc) packB(transB, b, bOff, n, k, pc, kc, jc + fullStrips, nc - fullStrips, bp, 0);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    // A is read in place for its full panels when the strips are full: row-major A always, Aᵀ
                    // (weight gradients) when B is packed, where it beat packing by 1.23–1.39× with 5 rows (paired,
                    // Zen 3, 784×1024×128) and by 2.05× with 8 (Intel Xeon, one thread, 784×1024×128). The rest
                    // (a partial last panel, such as the last 2 of 32 rows, or every panel) is copied as rows,
                    // which the same row kernels read. Deep blocks of Aᵀ with rows far apart are copied into MR-row
                    // panels instead (PACK_TRANS_A_STRIDE).
                    boolean inPlaceA = DIRECT_A && nc % NR == 0 && (!transA || !direct);
                    int fours = inPlaceA && !transA ? fourRowPanels(mc) : 0;
                    int fullRows = fours > 0 ? mc : inPlaceA ? mc / MR * MR : 0;
                    if (fullRows < mc) packA(transA, a, aOff, m, k, pc, kc, ic + fullRows, mc - fullRows, ap);
                    boolean interleaved = transA && fullRows > 0 && m >= PACK_TRANS_A_STRIDE && kc >= PACK_TRANS_A_DEPTH;
                    if (interleaved) {
                        if (MR == 8) packTransA8(a, aOff, m, pc, kc, ic, fullRows, apT);
                        else packTransA5(a, aOff, m, pc, kc, ic, fullRows, apT);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        boolean inPlace = jr < fullStrips;
                        int bo = inPlace ? bOff + pc * n + jc + jr : bpOff + (jr - fullStrips) * kc;
                        float[] bs = inPlace ? b : bp;
                        int bstride = inPlace ? n : NR;
                        for (int ir = 0, mr; ir < mc; ir += mr) {
                            mr = fours > 0 && ir >= mc - 4 * fours ? 4 : Math.min(MR, mc - ir);
                            int co = cOff + (ic + ir) * n + jc + jr;
                            // Where this panel's A is: packed in ap (from row fullRows), or in place.
                            boolean inAp = ir >= fullRows;
                            float[] as = inAp ? ap : a;
                            int ao = inAp ? (ir - fullRows) * kc : transA ? aOff + pc * m + ic + ir : aOff + (ic + ir) * k + pc;
                            if (fours > 0 && mr == 4) {
                                if (direct) kernelRowsA4Strided(as, ao, k, bs, bo, bstride, c, co, n, kc, load);
                                else kernelRowsA4(as, ao, k, bp, bo, c, co, n, kc, load);
                            } else if (mr < MR || nr < NR) {
                                edge(ap, ao, bs, bo, bstride, c, co, n, kc, mr, nr, tile, load);
                            } else if (interleaved && !inAp) {
                                // Kept apart from the in-place call below: one call with the operands chosen by
                                // ternaries trained batch 1024 0.965-0.977x as fast (bench versions, 2 threads).
                                if (MR == 5) kernelTransA5(apT, ir * kc, MR, bp, bo, c, co, n, kc, load);
                                else kernelTransA(apT, ir * kc, MR, bp, bo, c, co, n, kc, load);
                            } else if (transA && !inAp) {
                                if (MR == 5) kernelTransA5(a, ao, m, bp, bo, c, co, n, kc, load);
                                else kernelTransA(a, ao, m, bp, bo, c, co, n, kc, load);
                            } else {
                                int lda = inAp ? kc : k;
                                if (direct && MR == 5) kernelRowsA5Strided(as, ao, lda, bs, bo, bstride, c, co, n, kc, load);
                                else if (direct) kernelRowsAStrided(as, ao, lda, bs, bo, bstride, c, co, n, kc, load);
                                else if (MR == 5) kernelRowsA5(as, ao, lda, bp, bo, c, co, n, kc, load);
                                else kernelRowsA(as, ao, lda, bp, bo, c, co, n, kc, load);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * How many 4-row panels end a block of {@code rows} rows read in place, so that with the rest in 5-row panels
     * no rows are left for a padded edge tile: 32 rows (batch 32) as 4·5 + 3·4, whose edge tile of 2 rows cost as
     * much as a full panel. 0 with 8-row panels, for multiples of five, or for fewer rows than the 4-row panels
     * need. -Dkeel.fourRowPanels=false turns them off.
     */
    static int fourRowPanels(int rows) {
        if (MR != 5 || !FOUR_ROW_PANELS) return 0;
        int fours = (5 - rows % 5) % 5;
        return rows >= 4 * fours ? fours : 0;
    }

    private static final boolean FOUR_ROW_PANELS = Boolean.parseBoolean(System.getProperty("keel.fourRowPanels", "true"));

    /** A partial tile: computed in a padded MR×NR scratch tile (from C's values if {@code load}, else zeros), then its valid part stored in C. */
    private static void edge(float[] ap, int ao, float[] bp, int bo, int bstride, float[] c, int co, int ldc, int kc,
                             int mr, int nr, float[] tile, boolean load) {
        java.util.Arrays.fill(tile, 0f);
        if (load) for (int r = 0; r < mr; r++) System.arraycopy(c, co + r * ldc, tile, r * NR, nr);
        if (MR == 5) kernelRowsA5Strided(ap, ao, kc, bp, bo, bstride, tile, 0, NR, kc, true);
        else kernelRowsAStrided(ap, ao, kc, bp, bo, bstride, tile, 0, NR, kc, true);
        for (int r = 0; r < mr; r++) System.arraycopy(tile, r * NR, c, co + r * ldc, nr);
    }

    /**
     * Copies op(A)[ic:ic+mc, pc:pc+kc] as rows, {@code ap[r·kc + p]}, rows mc up to a whole panel zeroed: the
     * layout the row kernels read in place, rows kc apart. (Interleaving the rows five by five, for a
     * broadcast-friendly layout, cost a fifth of the batch-32 forward: 25 µs of scalar stores for the 32×784
     * input.)
     */
    private static void packA(boolean transA, float[] a, int aOff, int m, int k, int pc, int kc, int ic, int mc, float[] ap) {
        int rows = (mc + MR - 1) / MR * MR;
        if (transA) {
            // op(A)[i, p] = A[p, i]: row p of the block is contiguous in A; read it once, in order.
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * m + ic;
                for (int r = 0; r < mc; r++) ap[r * kc + p] = a[src + r];
            }
            java.util.Arrays.fill(ap, mc * kc, rows * kc, 0f);
            return;
        }
        for (int r = 0; r < mc; r++) System.arraycopy(a, aOff + (ic + r) * k + pc, ap, r * kc, kc);
        java.util.Arrays.fill(ap, mc * kc, rows * kc, 0f);
    }

    /**
     * Copies the full 8-row panels of op(A) = Aᵀ (A[k×m] row-major) for rows ic…ic+rows and depths pc…pc+kc,
     * panel by panel, {@code apT[panel·8·kc + p·8 + r]}: each step's eight floats are contiguous in A, so this is
     * one 256-bit copy per step, and the kernel then reads A sequentially.
     */
    private static void packTransA8(float[] a, int aOff, int m, int pc, int kc, int ic, int rows, float[] apT) {
        for (int ir = 0; ir < rows; ir += 8) {
            int dst = ir * kc, src = aOff + pc * m + ic + ir;
            for (int p = 0; p < kc; p++, src += m, dst += 8) FloatVector.fromArray(FloatVector.SPECIES_256, a, src).intoArray(apT, dst);
        }
    }

    /**
     * {@link #packTransA8} for 5-row panels (AVX2), {@code apT[panel·5·kc + p·5 + r]}: each step copies eight floats
     * from A and the next step's copy, five floats on, overwrites the three extra (apT has room for the last
     * step's); near the end of A, where eight would read past it, five single floats.
     */
    private static void packTransA5(float[] a, int aOff, int m, int pc, int kc, int ic, int rows, float[] apT) {
        for (int ir = 0; ir < rows; ir += 5) {
            int dst = ir * kc, src = aOff + pc * m + ic + ir;
            for (int p = 0; p < kc; p++, src += m, dst += 5) {
                if (src + 8 <= a.length) FloatVector.fromArray(FloatVector.SPECIES_256, a, src).intoArray(apT, dst);
                else for (int r = 0; r < 5; r++) apT[dst + r] = a[src + r];
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] into strips from bpOff: {@code bp[bpOff + strip·NR·kc + p·NR + jj]}, columns past nc zeroed. */
    private static void packB(boolean transB, float[] b, int bOff, int n, int k, int pc, int kc, int jc, int nc, float[] bp, int bpOff) {
        if (!transB) {
            // Row by row in memory order, two vectors to each strip. (Strip by strip, one 16-float arraycopy per
            // row, cost 8% of a 1024³ multiply, and made packing B lose to reading it in place at 32×128×784.)
            int full = nc / NR * NR;
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * n + jc, dst = bpOff + p * NR;
                for (int jr = 0; jr < full; jr += NR, dst += NR * kc) {
                    FloatVector.fromArray(S, b, src + jr).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + jr + L).intoArray(bp, dst + L);
                }
                if (full < nc) {
                    System.arraycopy(b, src + full, bp, dst, nc - full);
                    java.util.Arrays.fill(bp, dst + nc - full, dst + NR, 0f);
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), base = bpOff + jr * kc;
            // op(B)[p, j] = B[j, p]: read each row of B contiguously, write a column of the strip.
            for (int jj = 0; jj < NR; jj++) {
                if (jj >= nr) {
                    for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = 0f;
                    continue;
                }
                int src = bOff + (jc + jr + jj) * k + pc;
                for (int p = 0; p < kc; p++) bp[base + p * NR + jj] = b[src + p];
            }
        }
    }

    /**
     * C[8×2L] += A[8×kc]·B[kc×2L], the micro-kernel for 32-register machines (AVX-512): A's 8 rows start at a0,
     * lda apart (in place, or copied by {@link #packA} with lda = kc); B packed, its rows NR apart; C rows ldc apart.
     */
    private static void kernelRowsA(float[] a, int a0, int lda, float[] bp, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        FloatVector a50 = FloatVector.fromArray(S, ci, i0 + 5 * d), a51 = FloatVector.fromArray(S, ci, i0 + 5 * d + L);
        FloatVector a60 = FloatVector.fromArray(S, ci, i0 + 6 * d), a61 = FloatVector.fromArray(S, ci, i0 + 6 * d + L);
        FloatVector a70 = FloatVector.fromArray(S, ci, i0 + 7 * d), a71 = FloatVector.fromArray(S, ci, i0 + 7 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[r4 + p]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
            x = FloatVector.broadcast(S, a[r5 + p]); a50 = x.fma(b0, a50); a51 = x.fma(b1, a51);
            x = FloatVector.broadcast(S, a[r6 + p]); a60 = x.fma(b0, a60); a61 = x.fma(b1, a61);
            x = FloatVector.broadcast(S, a[r7 + p]); a70 = x.fma(b0, a70); a71 = x.fma(b1, a71);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
        a50.intoArray(c, c5); a51.intoArray(c, c5 + L);
        a60.intoArray(c, c6); a61.intoArray(c, c6 + L);
        a70.intoArray(c, c7); a71.intoArray(c, c7 + L);
    }

    /**
     * C[5×2L] += A[5×kc]·B[kc×2L], the micro-kernel for 16-register machines (AVX2): 10 accumulators, two B
     * vectors and a broadcast. (Six rows need 15 registers on paper, but C2 then keeps one accumulator on the
     * stack, and the store-to-load round trip on every step halves the rate: 37 vs 86 GFLOP/s on a Zen 3.) A's five
     * rows start at a0, lda apart (in place, or copied by {@link #packA} with lda = kc). B is packed, its rows NR
     * apart: with that compile-time stride C2 hoists the range checks out of the loop, 1.10-1.17× a variable
     * stride at 1024³ (paired, Zen 3).
     */
    private static void kernelRowsA5(float[] a, int a0, int lda, float[] bp, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[r4 + p]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
    }

    /**
     * {@link #kernelRowsA5} for four rows: the last panels of a block whose rows are not a multiple of five
     * ({@link #fourRowPanels}), instead of a five-row edge tile padded with zeros.
     */
    private static void kernelRowsA4(float[] a, int a0, int lda, float[] bp, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        float[] ci = load ? c : ZERO_ROWS;
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
    }

    /** {@link #kernelRowsA4} with B's rows {@code bstride} apart: B read in place. */
    private static void kernelRowsA4Strided(float[] a, int a0, int lda, float[] bp, int bo, int bstride, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        float[] ci = load ? c : ZERO_ROWS;
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        int bi = bo;
        for (int p = 0; p < kc; p++, bi += bstride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
    }

    /** {@link #kernelRowsA5} with B's rows {@code bstride} apart: B read in place, and edge tiles. */
    private static void kernelRowsA5Strided(float[] a, int a0, int lda, float[] bp, int bo, int bstride, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda;
        int bi = bo;
        for (int p = 0; p < kc; p++, bi += bstride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[r4 + p]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
    }

    /** {@link #kernelRowsA} with B's rows {@code bstride} apart: B read in place, and edge tiles. */
    private static void kernelRowsAStrided(float[] a, int a0, int lda, float[] bp, int bo, int bstride, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        FloatVector a50 = FloatVector.fromArray(S, ci, i0 + 5 * d), a51 = FloatVector.fromArray(S, ci, i0 + 5 * d + L);
        FloatVector a60 = FloatVector.fromArray(S, ci, i0 + 6 * d), a61 = FloatVector.fromArray(S, ci, i0 + 6 * d + L);
        FloatVector a70 = FloatVector.fromArray(S, ci, i0 + 7 * d), a71 = FloatVector.fromArray(S, ci, i0 + 7 * d + L);
        int r1 = a0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        int bi = bo;
        for (int p = 0; p < kc; p++, bi += bstride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[a0 + p]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[r1 + p]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[r2 + p]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[r3 + p]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[r4 + p]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
            x = FloatVector.broadcast(S, a[r5 + p]); a50 = x.fma(b0, a50); a51 = x.fma(b1, a51);
            x = FloatVector.broadcast(S, a[r6 + p]); a60 = x.fma(b0, a60); a61 = x.fma(b1, a61);
            x = FloatVector.broadcast(S, a[r7 + p]); a70 = x.fma(b0, a70); a71 = x.fma(b1, a71);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
        a50.intoArray(c, c5); a51.intoArray(c, c5 + L);
        a60.intoArray(c, c6); a61.intoArray(c, c6 + L);
        a70.intoArray(c, c7); a71.intoArray(c, c7 + L);
    }

    /**
     * {@link #kernelRowsA5} with op(A) = Aᵀ read in place, A[k×m] row-major: op(A)[r, p] = a[a0 + p·lda + r], so
     * each step broadcasts five neighbouring floats of one row of A; or A packed by {@link #packTransA5}, lda = 5.
     * Packing Aᵀ one float at a time cost a quarter of a first-layer weight gradient; packTransA5 copies eight
     * floats per step, and pays where the rows are far apart and the blocks deep. (An earlier kernel that took the
     * depth step as a parameter, to serve packed A too, ran at 0.77× with the step a variable instead of the
     * constant 5.)
     */
    private static void kernelTransA5(float[] a, int a0, int lda, float[] bp, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        int ai = a0;
        for (int p = 0; p < kc; p++, ai += lda) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[ai + 1]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[ai + 2]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[ai + 3]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[ai + 4]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
    }

    /** {@link #kernelRowsA} with op(A) = Aᵀ read in place, as {@link #kernelTransA5}: eight neighbouring floats per step. */
    private static void kernelTransA(float[] a, int a0, int lda, float[] bp, int bo, float[] c, int co, int ldc, int kc, boolean load) {
        int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        float[] ci = load ? c : ZERO_ROWS;   // accumulators start from C, or from zeros (the first k-block of C = A·B)
        int i0 = load ? co : 0, d = load ? ldc : 0;
        FloatVector a00 = FloatVector.fromArray(S, ci, i0), a01 = FloatVector.fromArray(S, ci, i0 + L);
        FloatVector a10 = FloatVector.fromArray(S, ci, i0 + d), a11 = FloatVector.fromArray(S, ci, i0 + d + L);
        FloatVector a20 = FloatVector.fromArray(S, ci, i0 + 2 * d), a21 = FloatVector.fromArray(S, ci, i0 + 2 * d + L);
        FloatVector a30 = FloatVector.fromArray(S, ci, i0 + 3 * d), a31 = FloatVector.fromArray(S, ci, i0 + 3 * d + L);
        FloatVector a40 = FloatVector.fromArray(S, ci, i0 + 4 * d), a41 = FloatVector.fromArray(S, ci, i0 + 4 * d + L);
        FloatVector a50 = FloatVector.fromArray(S, ci, i0 + 5 * d), a51 = FloatVector.fromArray(S, ci, i0 + 5 * d + L);
        FloatVector a60 = FloatVector.fromArray(S, ci, i0 + 6 * d), a61 = FloatVector.fromArray(S, ci, i0 + 6 * d + L);
        FloatVector a70 = FloatVector.fromArray(S, ci, i0 + 7 * d), a71 = FloatVector.fromArray(S, ci, i0 + 7 * d + L);
        int ai = a0;
        for (int p = 0; p < kc; p++, ai += lda) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]); a00 = x.fma(b0, a00); a01 = x.fma(b1, a01);
            x = FloatVector.broadcast(S, a[ai + 1]); a10 = x.fma(b0, a10); a11 = x.fma(b1, a11);
            x = FloatVector.broadcast(S, a[ai + 2]); a20 = x.fma(b0, a20); a21 = x.fma(b1, a21);
            x = FloatVector.broadcast(S, a[ai + 3]); a30 = x.fma(b0, a30); a31 = x.fma(b1, a31);
            x = FloatVector.broadcast(S, a[ai + 4]); a40 = x.fma(b0, a40); a41 = x.fma(b1, a41);
            x = FloatVector.broadcast(S, a[ai + 5]); a50 = x.fma(b0, a50); a51 = x.fma(b1, a51);
            x = FloatVector.broadcast(S, a[ai + 6]); a60 = x.fma(b0, a60); a61 = x.fma(b1, a61);
            x = FloatVector.broadcast(S, a[ai + 7]); a70 = x.fma(b0, a70); a71 = x.fma(b1, a71);
        }
        a00.intoArray(c, co); a01.intoArray(c, co + L);
        a10.intoArray(c, c1); a11.intoArray(c, c1 + L);
        a20.intoArray(c, c2); a21.intoArray(c, c2 + L);
        a30.intoArray(c, c3); a31.intoArray(c, c3 + L);
        a40.intoArray(c, c4); a41.intoArray(c, c4 + L);
        a50.intoArray(c, c5); a51.intoArray(c, c5 + L);
        a60.intoArray(c, c6); a61.intoArray(c, c6 + L);
        a70.intoArray(c, c7); a71.intoArray(c, c7 + L);
    }
}
