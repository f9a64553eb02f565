package dev.keel.bench;

import dev.keel.kernels.Gemm;
import dev.keel.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Keel's GEMM against OpenBLAS's {@code cblas_sgemm} and against the core's FMA peak, measured in turns in one
 * process: {@code bin/bench paired}.
 *
 * <p>A shared 2-vCPU machine switches between a fast and a slow state every few hundred milliseconds (a 1024×784×128
 * GEMM runs at about 55 or about 30 GFLOP/s, whichever code runs it), so GFLOP/s from separate runs cannot be
 * compared. Here each round times Keel, OpenBLAS and a register-only FMA loop back to back, a few milliseconds
 * apart, and every ratio is the median of the per-round ratios. OpenBLAS is called through the JDK's foreign
 * function API on copies of the same operands, and its result is checked against Keel's.
 */
public final class PairedGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    private final MethodHandle sgemm;
    private final MethodHandle setThreads;

    private PairedGemm(MethodHandle sgemm, MethodHandle setThreads) {
        this.sgemm = sgemm;
        this.setThreads = setThreads;
    }

    public static void main(String[] args) throws Throwable {
        try {
            run(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("bench paired: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Throwable {
        String shapes = "1024x784x128:NN,784x1024x128:TN,1024x128x784:NT,1024x1024x1024:NN";
        int rounds = 30;
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes" -> shapes = value(args, i++);
                case "--rounds" -> rounds = number("--rounds", value(args, i++));
                case "--threads" -> threads = Arrays.stream(value(args, i++).split(",")).mapToInt(v -> number("--threads", v)).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; valid: --shapes MxKxN:NN,..., --rounds N, --threads 1,2");
            }
        }
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        for (int t : threads) {
            if (t < 1) throw new IllegalArgumentException("--threads must be positive, got " + t);
        }
        PairedGemm p = open();
        System.out.println("Keel vs OpenBLAS on " + dev.keel.kernels.Machine.describe());
        System.out.println("| shape m×k×n | form | threads | Keel GFLOP/s | OpenBLAS GFLOP/s | FMA peak GFLOP/s | Keel / OpenBLAS | Keel / peak | OpenBLAS / peak |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String s : shapes.split(",")) {
            BenchArgs.Shape sh = BenchArgs.shape("--shapes", s);
            int m = sh.m(), k = sh.k(), n = sh.n();
            String form = sh.form();
            for (int t : threads) p.row(m, k, n, form, t, rounds);
        }
        System.out.println("\nGFLOP/s: medians over rounds; ratios: medians of the per-round ratios (range). The peak is "
                + "12 independent FMA chains per thread on " + S.vectorBitSize() + "-bit vectors, in registers.");
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
        return args[i + 1];
    }

    private static int number(String option, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes whole numbers, got '" + v + "'");
        }
    }


    /** Loads OpenBLAS (-Dkeel.openblas=path, else Debian's libopenblas0-pthread). */
    private static PairedGemm open() {
        String path = System.getProperty("keel.openblas", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0");
        if (!Files.exists(Path.of(path))) {
            throw new IllegalStateException("OpenBLAS not found at " + path + ": run 'apt-get install libopenblas0-pthread', "
                    + "or pass -Dkeel.openblas=/path/to/libopenblas.so");
        }
        SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        MethodHandle sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f, ValueLayout.ADDRESS, i));
        MethodHandle setThreads = linker.downcallHandle(lib.find("openblas_set_num_threads").orElseThrow(), FunctionDescriptor.ofVoid(i));
        return new PairedGemm(sgemm, setThreads);
    }

    private void row(int m, int k, int n, String form, int threads, int rounds) throws Throwable {
        boolean ta = form.charAt(0) == 'T', tb = form.charAt(1) == 'T';
        SplittableRandom r = new SplittableRandom(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
        long flops = 2L * m * n * k;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment na = arena.allocate(4L * a.length, 64), nb = arena.allocate(4L * b.length, 64), nc = arena.allocate(4L * c.length, 64);
            MemorySegment.copy(a, 0, na, ValueLayout.JAVA_FLOAT, 0, a.length);
            MemorySegment.copy(b, 0, nb, ValueLayout.JAVA_FLOAT, 0, b.length);
            Parallel.setThreads(threads);
            setThreads.invokeExact(threads);
            Runnable keel = () -> Gemm.gemm(ta, tb, m, n, k, a, 0, b, 0, c, 0, false);
            Runnable blas = () -> {
                try {
                    sgemm.invokeExact(ROW_MAJOR, ta ? TRANS : NO_TRANS, tb ? TRANS : NO_TRANS, m, n, k, 1f,
                            na, ta ? m : k, nb, tb ? k : n, 0f, nc, n);
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            };
            int reps = (int) Math.max(1, Math.min(50, 2e7 / flops));   // each timing covers at least ~20 MFLOP
            for (int w = 0; w < 15; w++) {
                time(keel, reps);
                time(blas, reps);
                peak(threads, 1 << 14);
            }
            check(c, nc, k);
            double[] gk = new double[rounds], gb = new double[rounds], gp = new double[rounds];
            double[] kb = new double[rounds], kp = new double[rounds], bp = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                double tk, tbl;
                if ((i & 1) == 0) {
                    tk = time(keel, reps);
                    tbl = time(blas, reps);
                } else {
                    tbl = time(blas, reps);
                    tk = time(keel, reps);
                }
                gk[i] = flops / tk;
                gb[i] = flops / tbl;
                gp[i] = peak(threads, 1 << 18);
                kb[i] = gk[i] / gb[i];
                kp[i] = gk[i] / gp[i];
                bp[i] = gb[i] / gp[i];
            }
            System.out.printf(Locale.ROOT, "| %d×%d×%d | %s | %d | %.1f | %.1f | %.1f | %s | %s | %s |%n", m, k, n, form, threads,
                    median(gk), median(gb), median(gp), ratio(kb), ratio(kp), ratio(bp));
        }
    }

    /** Best of three timings of {@code reps} calls, in ns per call. */
    private static double time(Runnable op, int reps) {
        long best = Long.MAX_VALUE;
        for (int t = 0; t < 3; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) op.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / reps;
    }

    /** Keel and OpenBLAS must agree to float rounding (sums of k products of values in [-1, 1]). */
    private static void check(float[] c, MemorySegment nc, int k) {
        double tol = 1e-5 * k;
        for (int i = 0; i < c.length; i++) {
            float o = nc.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!(Math.abs(c[i] - o) <= tol)) {
                throw new IllegalStateException("Keel and OpenBLAS disagree at C[" + i + "]: " + c[i] + " vs " + o);
            }
        }
    }

    /**
     * GFLOP/s of 12 independent FMA chains per thread, all in registers: the fastest the cores can multiply-add.
     * Best of three, like the GEMM timings; each run is long enough (about 0.5 ms) to hide waking the workers.
     */
    private static double peak(int threads, int steps) {
        float[] sink = new float[threads];
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            Parallel.forEach(threads, t -> sink[t] += fmaChains(steps));
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (Float.isNaN(sink[0])) throw new AssertionError("the FMA chains overflowed");
        return 2.0 * 12 * S.length() * steps * threads / best;
    }

    private static float fmaChains(int steps) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < steps; i++) {
            // x·y + c: the accumulator is the addend, so each FMA updates its register in place.
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3);
            c4 = x.fma(y, c4); c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7);
            c8 = x.fma(y, c8); c9 = x.fma(y, c9); c10 = x.fma(y, c10); c11 = x.fma(y, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    private static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return y[y.length / 2];
    }

    private static String ratio(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", y[y.length / 2], y[0], y[y.length - 1]);
    }
}
