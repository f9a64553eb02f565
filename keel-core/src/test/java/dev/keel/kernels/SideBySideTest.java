package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A Dense backward's dW and dx, run side by side on two threads, give the bits they give one after the other. */
class SideBySideTest {
    @Test
    void sideBySideGemmsGiveTheSameBitsAsSequentialOnes() {
        int rows = 32, in = 128, units = 64;
        SplittableRandom r = new SplittableRandom(12);
        float[] x = new float[rows * in], dz = new float[rows * units], w = new float[in * units];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < dz.length; i++) dz[i] = (float) r.nextGaussian();
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] apart = backward(x, dz, w, rows, in, units, false, null);
            Parallel.setThreads(2);
            Set<Thread> used = ConcurrentHashMap.newKeySet();
            float[][] together = backward(x, dz, w, rows, in, units, true, used);
            assertArrayEquals(apart[0], together[0], "dW");
            assertArrayEquals(apart[1], together[1], "dx");
            assertEquals(2, used.size(), "dW and dx ran on " + used.size() + " thread(s), not side by side");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static float[][] backward(float[] x, float[] dz, float[] w, int rows, int in, int units, boolean together,
                                      Set<Thread> used) {
        float[] dw = new float[in * units], dx = new float[rows * in];
        CountDownLatch both = new CountDownLatch(together ? 2 : 0);
        Gemm.sideBySide(together, () -> {
            Gemm.gemm(true, false, in, units, rows, x, 0, dz, 0, dw, 0, false);
            meet(both, used);
        }, () -> {
            Gemm.gemm(false, true, rows, in, units, dz, 0, w, 0, dx, 0, false);
            meet(both, used);
        });
        return new float[][] {dw, dx};
    }

    /** Records the thread and, side by side, waits (up to 5 s) for the other task, so that one thread cannot run both. */
    private static void meet(CountDownLatch both, Set<Thread> used) {
        if (used == null) return;
        used.add(Thread.currentThread());
        both.countDown();
        try {
            both.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
