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
     * One update job over all variables: every element of every variable exactly once, in any number of ranges,
     * ranges that end one variable and start the next, empty variables and more ranges than vectors included.
     */
    @Test
    void overVariablesVisitsEveryElementOnce() {
        int[][] layouts = {{100_352, 128, 128, 128, 8192, 64, 64, 64, 640, 10}, {13, 9, 30, 17, 0, 40}, {0, 5, 0, 3}, {7}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {}};
        for (int[] sizes : layouts) {
            for (int chunks : new int[] {1, 2, 3, 8, 40}) {
                java.util.concurrent.atomic.AtomicIntegerArray[] seen = new java.util.concurrent.atomic.AtomicIntegerArray[sizes.length];
                for (int v = 0; v < sizes.length; v++) seen[v] = new java.util.concurrent.atomic.AtomicIntegerArray(sizes[v]);
                Updates.overVariables(sizes, (v, from, to) -> {
                    assertTrue(from < to, "an empty range [" + from + ", " + to + ") of variable " + v);
                    for (int i = from; i < to; i++) seen[v].incrementAndGet(i);
                }, chunks);
                for (int v = 0; v < sizes.length; v++) {
                    for (int i = 0; i < sizes[v]; i++) {
                        assertEquals(1, seen[v].get(i), "element " + i + " of variable " + v + " of " + java.util.Arrays.toString(sizes) + " in " + chunks + " ranges");
                    }
                }
            }
        }
    }

    /** Adam over the article's model's variables in one job of ranges gives each variable's serial bits. */
    @Test
    void adamOverVariablesGivesTheSerialBits() {
        int[] sizes = {100_352, 128, 128, 128, 8192, 64, 64, 64, 640, 10};
        SplittableRandom r = new SplittableRandom(9);
        int n = sizes.length;
        float[][] w = new float[n][], g = new float[n][], m = new float[n][], v = new float[n][];
        for (int i = 0; i < n; i++) {
            w[i] = random(r, sizes[i], 1); g[i] = random(r, sizes[i], 0.1); m[i] = random(r, sizes[i], 0.01);
            v[i] = random(r, sizes[i], 0.001);
            for (int j = 0; j < sizes[i]; j++) v[i][j] = Math.abs(v[i][j]);
        }
        float[][][] serial = new float[n][][], split = new float[n][][];
        for (int i = 0; i < n; i++) {
            serial[i] = new float[][] {w[i].clone(), m[i].clone(), v[i].clone()};
            split[i] = new float[][] {w[i].clone(), m[i].clone(), v[i].clone()};
            Updates.adam(serial[i][0], g[i], serial[i][1], serial[i][2], 1e-3f, 0.1f, 0.001f, 1e-7f, 1);
        }
        Updates.overVariables(sizes, (i, from, to) -> Updates.adam(split[i][0], g[i], split[i][1], split[i][2], 1e-3f, 0.1f, 0.001f, 1e-7f, from, to), 7);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) assertArrayEquals(serial[i][k], split[i][k], "variable " + i + ", array " + k);
        }
    }

    /**
     * With the gradient gone, Adam's moments decay toward the subnormal range. As under TensorFlow's flush-to-zero
     * mode, a product that would be subnormal is zero: (g−m)·b1 once |m| < MIN_NORMAL/b1, so m then stays where
     * it is, and m·alpha once |m| < MIN_NORMAL/alpha, so the weight does not move. No slot may ever hold a
     * subnormal value, in the vector body or the scalar tail. (Forming those products cost Adam 86 µs instead of
     * 45 in batch-32 training on an Intel Xeon. Before, m decayed to a flushed zero and a weight at 0 moved to
     * about -1e-33: this test fails there.)
     */
    @Test
    void adamZeroesProductsThatWouldBeSubnormalAsFlushToZeroDoes() {
        int n = 37;   // two or four whole vectors and a scalar tail
        float alpha = 1e-3f, b1 = 0.1f, b2 = 0.001f, eps = 1e-7f;
        float[] w = new float[n], g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * (20 + 20 * i);   // up to 8.7e-36: m·alpha subnormal throughout
            v[i] = Float.MIN_NORMAL * (1 + i) * 5000;
        }
        for (int step = 0; step < 300; step++) {
            Updates.adam(w, g, m, v, alpha, b1, b2, eps, 1);
            for (int i = 0; i < n; i++) {
                for (float x : new float[] {m[i], v[i]}) {
                    assertTrue(x == 0 || Math.abs(x) >= Float.MIN_NORMAL, "slot " + i + " holds the subnormal " + x + " at step " + step);
                }
                assertEquals(0f, w[i], "w[" + i + "] moved at step " + step + " by m·alpha, which is subnormal");
            }
        }
        float[] stuck = m.clone();
        Updates.adam(w, g, m, v, alpha, b1, b2, eps, 1);
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(m[i]) >= Float.MIN_NORMAL && Math.abs(m[i]) < Float.MIN_NORMAL / b1,
                    "m[" + i + "] = " + m[i] + " should have stopped just above MIN_NORMAL/b1");
            assertEquals(stuck[i], m[i], "m[" + i + "]: (g − m)·b1 would be subnormal, so m must stay");
        }
    }

    /** A gradient whose square would be subnormal counts as zero in v, and a normal one's result is the formula's. */
    @Test
    void adamSquaresOnlyGradientsWhoseSquareIsNormal() {
        float[] w = {1f, 1f}, g = {1e-20f, 1e-3f}, m = {0f, 0f}, v = {0f, 0f};
        Updates.adam(w, g, m, v, 1e-3f, 0.1f, 0.001f, 1e-7f, 1);
        assertEquals(0f, v[0], "g² = 1e-40 is subnormal: v must stay 0");
        assertEquals(1e-3f * 1e-3f * 0.001f, v[1]);
        assertEquals(1e-20f * 0.1f, m[0]);
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
