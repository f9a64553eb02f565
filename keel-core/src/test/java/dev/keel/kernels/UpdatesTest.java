package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpdatesTest {
    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    /** Adam split into ranges (as it is while a worker is awake) must give the serial bits, tail included. */
    @Test
    void adamGivesTheSameBitsInAnyNumberOfChunks() {
        int n = 100_003;   // not a whole number of vectors: the last chunk has a scalar tail
        SplittableRandom r = new SplittableRandom(5);
        float[] w0 = random(r, n, 1), g = random(r, n, 0.1), m0 = random(r, n, 0.01), v0 = random(r, n, 0.001);
        for (int i = 0; i < n; i++) v0[i] = Math.abs(v0[i]);
        float[][] serial = {w0.clone(), m0.clone(), v0.clone()};
        Updates.adam(serial[0], g, serial[1], serial[2], 1e-3f, 0.1f, 0.001f, 1e-7f, 1);
        for (int chunks : new int[] {2, 3, 7}) {
            float[][] split = {w0.clone(), m0.clone(), v0.clone()};
            Updates.adam(split[0], g, split[1], split[2], 1e-3f, 0.1f, 0.001f, 1e-7f, chunks);
            for (int k = 0; k < 3; k++) assertArrayEquals(serial[k], split[k], "chunks=" + chunks + ", array " + k);
        }
        // and the update is Keras's formula, element by element, in float
        int i = n - 1;
        float m = m0[i] + (g[i] - m0[i]) * 0.1f, v = v0[i] + (g[i] * g[i] - v0[i]) * 0.001f;
        assertEquals(w0[i] - 1e-3f * m / ((float) Math.sqrt(v) + 1e-7f), serial[0][i]);
    }

    /**
     * With the gradient gone, Adam's moments decay through the subnormal range; each slot value must be flushed
     * to +0 there (TensorFlow's flush-to-zero), in the vector body and in the scalar tail alike, and a value
     * still normal must be the plain formula's.
     */
    @Test
    void adamFlushesSubnormalSlotsToZero() {
        int n = 37;   // two or four whole vectors and a scalar tail
        float[] w = new float[n], g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * (1 + i / 8f);   // just above subnormal
            v[i] = Float.MIN_NORMAL * (1 + i / 8f);
        }
        int steps = 0;
        for (; steps < 200; steps++) {
            float[] m0 = m.clone(), v0 = v.clone();
            Updates.adam(w, g, m, v, 1e-3f, 0.1f, 0.1f, 1e-7f, 1);
            for (int i = 0; i < n; i++) {
                float mi = m0[i] - m0[i] * 0.1f, vi = v0[i] - v0[i] * 0.1f;   // (g − m)·b1 + m with g = 0
                assertEquals(Math.abs(mi) < Float.MIN_NORMAL ? 0f : mi, m[i], "m[" + i + "] at step " + steps);
                assertEquals(vi < Float.MIN_NORMAL ? 0f : vi, v[i], "v[" + i + "] at step " + steps);
            }
            boolean allZero = true;
            for (int i = 0; i < n; i++) allZero &= m[i] == 0 && v[i] == 0;
            if (allZero) break;
        }
        assertTrue(steps > 0 && steps < 200, "the slots should reach zero within a few steps, took " + steps);
        for (float x : w) assertTrue(Float.isFinite(x));
    }

    @Test
    void flushKeepsNormalValuesAndZeroesSubnormalOnes() {
        assertEquals(Float.MIN_NORMAL, Updates.flush(Float.MIN_NORMAL));
        assertEquals(-Float.MIN_NORMAL, Updates.flush(-Float.MIN_NORMAL));
        assertEquals(0f, Updates.flush(Float.MIN_VALUE));
        assertEquals(0f, Updates.flush(-Math.nextDown(Float.MIN_NORMAL)));
        assertEquals(1.5f, Updates.flush(1.5f));
        assertTrue(Float.isNaN(Updates.flush(Float.NaN)));
    }
}
