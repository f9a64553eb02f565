package dev.keel.bench;

import dev.keel.kernels.Elementwise;
import dev.keel.kernels.Norm;
import dev.keel.kernels.Updates;
import dev.keel.losses.CategoricalCrossentropy;
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
 * The memory-bound kernels of a training step, on 1 or 2 kernel threads, at the article's first BN layer shape
 * (rows × 128 features): BN forward (training) + backward, a STREAM triad over arrays of the same size for
 * the bandwidth they should approach, softmax + cross-entropy gradient, and the Adam update of the
 * article's 109,770 parameters. bin/bench converts times to GB/s where it applies.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class NormalizationBenchmark {
    @Param({"1024", "32768"})
    public int rows;

    /** Kernel threads; the triad is split the same way, so BN is compared with the bandwidth of as many cores. */
    @Param({"1", "2"})
    public int threads;

    static final int F = 128;
    private float[] x, y, dy, dx, mean, var, invStd, scale, shift, gamma, dgamma, dbeta;
    private float[] a, b, c;
    private float[] logits, probs, onehot, grad;
    private float[] w, g, m, v;

    @Setup(Level.Trial)
    public void setup() {
        dev.keel.kernels.Parallel.setThreads(threads);
        SplittableRandom r = new SplittableRandom(1);
        int n = rows * F;
        x = new float[n]; y = new float[n]; dy = new float[n]; dx = new float[n];
        for (int i = 0; i < n; i++) { x[i] = (float) r.nextGaussian(); dy[i] = (float) r.nextGaussian(); }
        mean = new float[F]; var = new float[F]; invStd = new float[F]; scale = new float[F]; shift = new float[F];
        gamma = new float[F]; dgamma = new float[F]; dbeta = new float[F];
        java.util.Arrays.fill(gamma, 1f);
        a = new float[n]; b = x.clone(); c = dy.clone();
        logits = new float[rows * 10]; probs = new float[rows * 10]; onehot = new float[rows * 10]; grad = new float[rows * 10];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        for (int i = 0; i < rows; i++) onehot[i * 10 + i % 10] = 1f;
        int params = 109_770;
        w = new float[params]; g = new float[params]; m = new float[params]; v = new float[params];
        for (int i = 0; i < params; i++) { w[i] = (float) r.nextGaussian(); g[i] = (float) r.nextGaussian() * 1e-2f; }
    }

    /** Training-mode BN: moments, normalise, then the fused backward. Minimal traffic: x, y, x, dy, dx = 5·4·n bytes. */
    @Benchmark
    public float[] batchNormForwardBackward() {
        Norm.moments(x, rows, F, mean, var);
        Norm.invStd(var, 1e-3f, invStd, F);
        for (int f = 0; f < F; f++) scale[f] = gamma[f] * invStd[f];
        Norm.centeredAffine(x, y, rows, F, mean, scale, shift);
        Norm.batchNormBackward(x, dy, dx, rows, F, mean, invStd, gamma, dgamma, dbeta);
        return dx;
    }

    /** STREAM triad a = b + s·c: 3·4·n bytes. */
    @Benchmark
    public float[] triad() {
        int n = a.length, t = threads;
        dev.keel.kernels.Parallel.forEach(t, k -> {
            for (int i = (int) ((long) n * k / t), end = (int) ((long) n * (k + 1) / t); i < end; i++) a[i] = b[i] + 1.5f * c[i];
        });
        return a;
    }

    /** Softmax over 10 classes and the fused cross-entropy gradient p − t. */
    @Benchmark
    public float[] softmaxCrossEntropy() {
        Elementwise.softmax(logits, probs, rows, 10);
        new CategoricalCrossentropy().softmaxLogitGradient(onehot, probs, rows, 10, null, grad);
        return grad;
    }

    /** One Adam step on the article's 109,770 parameters (w, g, m, v read; w, m, v written: 7·4·109,770 bytes). */
    @Benchmark
    public float[] adamUpdate() {
        Updates.adam(w, g, m, v, 1e-3f, 0.1f, 0.001f, 1e-7f);
        return w;
    }
}
