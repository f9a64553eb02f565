package dev.keel.initializers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InitializerTest {
    private static float[] draw(Initializer init, int rows, int cols, long seed) {
        float[] w = new float[rows * cols];
        init.initialize(w, new int[] {rows, cols}, seed);
        return w;
    }

    private static double std(float[] w) {
        double m = 0, v = 0;
        for (float x : w) m += x;
        m /= w.length;
        for (float x : w) v += (x - m) * (x - m);
        return Math.sqrt(v / w.length);
    }

    @Test
    void varianceScalingFamiliesHaveKerasVariances() {
        int in = 400, out = 300;
        assertEquals(Math.sqrt(2.0 / (in + out)), std(draw(Initializer.of("glorot_uniform"), in, out, 1)), 2e-3);
        assertEquals(Math.sqrt(2.0 / (in + out)), std(draw(Initializer.of("glorot_normal"), in, out, 1)), 2e-3);
        assertEquals(Math.sqrt(2.0 / in), std(draw(Initializer.of("he_uniform"), in, out, 1)), 3e-3);
        assertEquals(Math.sqrt(2.0 / in), std(draw(Initializer.of("he_normal"), in, out, 1)), 3e-3);
        assertEquals(Math.sqrt(1.0 / in), std(draw(Initializer.of("lecun_normal"), in, out, 1)), 2e-3);
        assertEquals(0.05, std(draw(Initializer.of("random_normal"), in, out, 1)), 1e-3);
        double limit = Math.sqrt(6.0 / (in + out));
        for (float v : draw(Initializer.of("glorot_uniform"), in, out, 2)) assertTrue(Math.abs(v) <= limit);
        for (float v : draw(Initializer.of("truncated_normal"), in, out, 2)) assertTrue(Math.abs(v) <= 0.1 + 1e-7);
    }

    @Test
    void sameSeedSameValuesOtherSeedOtherValues() {
        Initializer g = Initializer.of("glorot_uniform");
        assertArrayEquals(draw(g, 20, 30, 5), draw(g, 20, 30, 5));
        assertTrue(!java.util.Arrays.equals(draw(g, 20, 30, 5), draw(g, 20, 30, 6)));
    }

    @Test
    void orthogonalHasOrthonormalColumns() {
        int rows = 50, cols = 20;
        float[] w = draw(new Initializer.Orthogonal(1.0), rows, cols, 3);
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < cols; b++) {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += w[r * cols + a] * w[r * cols + b];
                assertEquals(a == b ? 1 : 0, dot, 1e-5);
            }
        }
    }

    @Test
    void unknownNameListsTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Initializer.of("xavier"));
        assertTrue(e.getMessage().contains("glorot_uniform"));
    }
}
