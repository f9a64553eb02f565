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
        int rows = 1000, f = 37;
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[rows * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) (1e4 + (r.nextDouble() * 2 - 1) * Math.sqrt(3));
        float[] mean = new float[f], var = new float[f];
        Norm.moments(x, rows, f, mean, var);
        for (int j = 0; j < f; j++) {
            double m = 0, v = 0;
            for (int b = 0; b < rows; b++) m += x[b * f + j];
            m /= rows;
            for (int b = 0; b < rows; b++) v += (x[b * f + j] - m) * (x[b * f + j] - m);
            v /= rows;
            assertEquals(m, mean[j], 2e-3, "mean");
            assertEquals(v, var[j], 2e-3 * v, "variance");
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
