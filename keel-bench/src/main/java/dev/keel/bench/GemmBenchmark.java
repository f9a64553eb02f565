package dev.keel.bench;

import dev.keel.kernels.Gemm;
import dev.keel.kernels.Parallel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GEMM throughput in the three forms training uses. GFLOP/s = 2·m·n·k / time; bin/bench prints it.
 * Shapes: the article's first layer at batch 32 and 1024 (m × k × n = 32×784×128, 1024×784×128), and 1024³.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    /** "m×k×n" written "MxKxN" (JMH splits -p values on commas). */
    @Param({"32x784x128", "1024x784x128", "1024x1024x1024"})
    public String shape;

    /** NN = A·B, TN = Aᵀ·B, NT = A·Bᵀ. */
    @Param({"NN", "TN", "NT"})
    public String form;

    @Param({"1", "2"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] c;
    private int m;
    private int k;
    private int n;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        SplittableRandom r = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble();
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] gemm() {
        Gemm.gemm(form.charAt(0) == 'T', form.charAt(1) == 'T', m, n, k, a, 0, b, 0, c, 0, false);
        return c;
    }
}
