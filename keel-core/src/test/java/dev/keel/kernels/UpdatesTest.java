package dev.keel.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
