package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NormTest {
    @Test
    void momentsAreExactForLargeMeanAndUnitStd() {
        // mean 1e4, std 1: the one-pass E[x²] − E[x]² would lose every digit of the variance in float.
        assertMomentsExact(1e4, 1);
        // mean 3e4, std 0.1: a 32-row tile's float sum (~1e6, ulp 0.0625) puts its rough mean a fair part of a std
        // off; the deviation pass must cancel that offset exactly.
        assertMomentsExact(3e4, 0.1);
    }

    private static void assertMomentsExact(double center, double std) {
        int rows = 1000, f = 37;
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[rows * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) (center + (r.nextDouble() * 2 - 1) * Math.sqrt(3) * std);
        float[] mean = new float[f], var = new float[f];
        Norm.moments(x, rows, f, mean, var);
        for (int j = 0; j < f; j++) {
            double m = 0, v = 0;
            for (int b = 0; b < rows; b++) m += x[b * f + j];
            m /= rows;
            for (int b = 0; b < rows; b++) v += (x[b * f + j] - m) * (x[b * f + j] - m);
            v /= rows;
            assertEquals(m, mean[j], 2 * Math.ulp((float) center), "mean " + j);
            assertEquals(v, var[j], 2e-3 * v, "variance " + j);
        }
    }

    /** Many tiles, odd sizes, vector blocks and the scalar tail, shifted data: against double-precision sums. */
    @Test
    void tiledMomentsAndBackwardMatchDoubleReference() {
        int rows = 1003, f = 200;   // 3 blocks of 4 vectors + a tail; 1003 rows do not divide into tiles
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[rows * f], dy = new float[rows * f], dx = new float[rows * f], gamma = new float[f];
        for (int i = 0; i < x.length; i++) { x[i] = (float) (50 * (i % f) + 3 * r.nextGaussian()); dy[i] = (float) r.nextGaussian(); }
        for (int j = 0; j < f; j++) gamma[j] = (float) (0.5 + r.nextDouble());
        float[] mean = new float[f], var = new float[f], inv = new float[f], dg = new float[f], db = new float[f];
        Norm.moments(x, rows, f, mean, var);
        Norm.invStd(var, 1e-3f, inv, f);
        Norm.batchNormBackward(x, dy, dx, rows, f, mean, inv, gamma, dg, db);
        for (int j = 0; j < f; j++) {
            double m = 0, v = 0, sb = 0, sg = 0, mag = 0;
            for (int b = 0; b < rows; b++) m += x[b * f + j];
            m /= rows;
            for (int b = 0; b < rows; b++) v += (x[b * f + j] - m) * (x[b * f + j] - m);
            v /= rows;
            double is = 1 / Math.sqrt(v + 1e-3);
            for (int b = 0; b < rows; b++) {
                double t = dy[b * f + j] * (x[b * f + j] - m) * is;
                sb += dy[b * f + j];
                sg += t;
                mag += Math.abs(t);
            }
            assertEquals(m, mean[j], 1e-4 * Math.max(1, Math.abs(m)), "mean " + j);
            assertEquals(v, var[j], 1e-4 * v, "variance " + j);
            assertEquals(sb, db[j], 5e-4, "dbeta " + j);
            // float summation of 1003 terms, plus x̂'s offset from the float-rounded mean times Σdy
            assertEquals(sg, dg[j], 1e-5 * mag + Math.abs(sb) * Math.ulp((float) m) * is, "dgamma " + j);
            for (int b = 0; b < rows; b += 97) {
                double want = gamma[j] * is * (dy[b * f + j] - sb / rows - (x[b * f + j] - m) * is * sg / rows);
                assertEquals(want, dx[b * f + j], 1e-4, "dx " + b + "," + j);
            }
        }
    }

    @Test
    void largeBatchesGiveBitIdenticalResultsOnOneAndTwoThreads() {
        int rows = 1024, f = 192;
        SplittableRandom r = new SplittableRandom(10);
        float[] x = new float[rows * f], dy = new float[rows * f];
        for (int i = 0; i < x.length; i++) { x[i] = (float) r.nextGaussian(); dy[i] = (float) r.nextGaussian(); }
        float[][] one = run(x, dy, rows, f, 1), two = run(x, dy, rows, f, 2);
        for (int k = 0; k < one.length; k++) org.junit.jupiter.api.Assertions.assertArrayEquals(one[k], two[k], "output " + k);
    }

    private static float[][] run(float[] x, float[] dy, int rows, int f, int threads) {
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            float[] mean = new float[f], var = new float[f], inv = new float[f], y = new float[rows * f], dx = new float[rows * f];
            float[] dg = new float[f], db = new float[f], shift = new float[f];
            Norm.moments(x, rows, f, mean, var);
            Norm.invStd(var, 1e-3f, inv, f);
            Norm.centeredAffine(x, y, rows, f, mean, inv, shift);
            Norm.batchNormBackward(x, dy, dx, rows, f, mean, inv, null, dg, db);
            return new float[][] {mean, var, y, dx, dg, db};
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void normalizedLargeMeanDataHasZeroMeanAndUnitVariance() {
        int rows = 512, f = 16;
        SplittableRandom r = new SplittableRandom(8);
        float[] x = new float[rows * f], y = new float[rows * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) (1e4 + r.nextGaussian());
        float[] mean = new float[f], var = new float[f], inv = new float[f], shift = new float[f];
        Norm.moments(x, rows, f, mean, var);
        Norm.invStd(var, 1e-3f, inv, f);
        Norm.centeredAffine(x, y, rows, f, mean, inv, shift);
        float[] m2 = new float[f], v2 = new float[f];
        Norm.moments(y, rows, f, m2, v2);
        for (int j = 0; j < f; j++) {
            assertEquals(0, m2[j], 1e-3);
            assertEquals(1, v2[j], 1e-2);
        }
    }

    @Test
    void detectsNaNAndInfinity() {
        float[] v = new float[45];
        assertFalse(Norm.hasNonFinite(v, v.length));
        v[40] = Float.NaN;
        assertTrue(Norm.hasNonFinite(v, v.length));
        v[40] = 0;
        v[3] = Float.NEGATIVE_INFINITY;
        assertTrue(Norm.hasNonFinite(v, v.length));
    }
}
