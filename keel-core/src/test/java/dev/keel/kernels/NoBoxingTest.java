package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, the vector kernels allocate (almost) nothing. A FloatVector passed to or returned from a call
 * that C2 does not inline is boxed on the heap, which made BN's moments allocate 49 KB per call and run at half
 * speed, and GELU's backward 2 MB. The interpreter boxes every vector, so each kernel is run until a batch of
 * calls allocates less than a small bound, or fails after many batches.
 */
class NoBoxingTest {
    private static final int BATCHES = 12, CALLS = 2_000;
    /** Bytes per call allowed: the kernels' own small scratch arrays (BN's 12-vector tile buffer and k, u, w). */
    private static final long BOUND = 2_048;

    @Test
    void compiledKernelsDoNotBoxVectors() {
        int rows = 64, cols = 128, n = rows * cols;
        SplittableRandom r = new SplittableRandom(4);
        float[] z = new float[n], y = new float[n], dy = new float[n], dz = new float[n];
        for (int i = 0; i < n; i++) { z[i] = (float) r.nextGaussian() * 3; dy[i] = (float) r.nextGaussian(); }
        float[] mean = new float[cols], var = new float[cols], inv = new float[cols], shift = new float[cols], dg = new float[cols], db = new float[cols];
        Map<String, Runnable> kernels = new LinkedHashMap<>();
        kernels.put("moments", () -> Norm.moments(z, rows, cols, mean, var));
        kernels.put("centeredAffine", () -> Norm.centeredAffine(z, y, rows, cols, mean, inv, shift));
        kernels.put("batchNormBackward", () -> Norm.batchNormBackward(z, dy, dz, rows, cols, mean, inv, null, dg, db));
        kernels.put("softmax 128", () -> Elementwise.softmax(z, y, rows, cols));
        kernels.put("softmax 10", () -> Elementwise.softmax(z, y, n / 10, 10));
        kernels.put("sigmoid", () -> Elementwise.sigmoid(z, y, n));
        kernels.put("tanh", () -> Elementwise.tanh(z, y, n));
        kernels.put("swish", () -> Elementwise.swish(z, y, n));
        kernels.put("swish backward", () -> Elementwise.swishBackward(z, dy, dz, n));
        kernels.put("elu", () -> Elementwise.elu(z, y, n, 1f));
        kernels.put("selu", () -> Elementwise.selu(z, y, n));
        kernels.put("softplus", () -> Elementwise.softplus(z, y, n));
        kernels.put("softplus backward", () -> Elementwise.softplusBackward(z, dy, dz, n));
        kernels.put("gelu", () -> Elementwise.gelu(z, y, n));
        kernels.put("gelu backward", () -> Elementwise.geluBackward(z, dy, dz, n));
        Norm.moments(z, rows, cols, mean, var);
        Norm.invStd(var, 1e-3f, inv, cols);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (var k : kernels.entrySet()) {
            long perCall = Long.MAX_VALUE;
            for (int b = 0; b < BATCHES && perCall > BOUND; b++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int c = 0; c < CALLS; c++) k.getValue().run();
                perCall = (mx.getCurrentThreadAllocatedBytes() - before) / CALLS;
            }
            assertTrue(perCall <= BOUND, k.getKey() + " still allocates " + perCall + " bytes per call after "
                    + BATCHES * CALLS + " calls: a FloatVector is probably crossing a call C2 does not inline");
        }
    }
}
