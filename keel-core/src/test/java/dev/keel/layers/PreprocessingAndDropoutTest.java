package dev.keel.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.regularization.Dropout;
import org.junit.jupiter.api.Test;

class PreprocessingAndDropoutTest {
    private static float[] forward(Layer l, float[] x, int batch, boolean training) {
        float[] y = new float[batch * l.outputSize()];
        l.forward(x, y, batch, training, l.newScratch(batch));
        return y;
    }

    @Test
    void normalizationAdaptsMeanAndVarianceAndStandardizes() {
        Tensor data = Tensor.of(new float[] {1, 10, 3, 20, 5, 30}, 3, 2);
        Normalization n = new Normalization().adapt(data);
        assertArrayEquals(new float[] {3, 20}, n.weight("mean").value(), 1e-6f);
        assertArrayEquals(new float[] {8f / 3, 200f / 3}, n.weight("variance").value(), 1e-4f);
        float[] y = forward(n, data.data(), 3, false);
        assertEquals(-Math.sqrt(1.5), y[0], 1e-5);
        assertEquals(0, y[2], 1e-6);
        assertEquals(Math.sqrt(1.5), y[5], 1e-5);
    }

    @Test
    void invertedNormalizationUndoesStandardization() {
        float[] mean = {3, -1}, var = {4, 0.25f};
        Normalization fwd = new Normalization(mean, var, false), inv = new Normalization(mean, var, true);
        fwd.build(new int[] {2}, 0);
        inv.build(new int[] {2}, 0);
        float[] x = {7, 2, -5, 0.5f};
        assertArrayEquals(x, forward(inv, forward(fwd, x, 2, false), 2, false), 1e-5f);
    }

    @Test
    void minMaxScalesEachFeatureToZeroOne() {
        Tensor data = Tensor.of(new float[] {0, 100, 5, 300, 10, 200}, 3, 2);
        Normalization mm = Normalization.minMax(data);
        mm.build(new int[] {2}, 0);
        assertArrayEquals(new float[] {0, 0, 0.5f, 1, 1, 0.5f}, forward(mm, data.data(), 3, false), 1e-6f);
    }

    @Test
    void constantFeatureDoesNotDivideByZero() {
        Normalization n = new Normalization().adapt(Tensor.of(new float[] {2, 2, 2}, 3, 1));
        for (float v : forward(n, new float[] {2, 2, 2}, 3, false)) assertEquals(0f, v);
    }

    @Test
    void normalizationRejectsNaNData() {
        assertThrows(NonFiniteException.class, () -> new Normalization().adapt(Tensor.of(new float[] {1, Float.NaN}, 2, 1)));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0}, new float[] {-1}, false));
    }

    @Test
    void rescalingMapsPixelsToUnitRange() {
        Rescaling r = new Rescaling(1 / 255.0);
        r.build(new int[] {3}, 0);
        assertArrayEquals(new float[] {0, 0.5f, 1}, forward(r, new float[] {0, 127.5f, 255}, 1, false), 1e-6f);
    }

    @Test
    void dropoutKeepsExpectationInTrainingAndIsIdentityAtInference() {
        Dropout d = new Dropout(0.25, 11L);
        d.build(new int[] {1000}, 0);
        float[] x = new float[10_000];
        java.util.Arrays.fill(x, 1f);
        float[] y = forward(d, x, 10, true);
        double mean = 0;
        int zeros = 0;
        for (float v : y) {
            mean += v;
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-6);
        }
        assertEquals(1.0, mean / y.length, 0.03);
        assertEquals(0.25, zeros / (double) y.length, 0.02);
        assertArrayEquals(x, forward(d, x, 10, false));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    }

    @Test
    void dropoutBackwardUsesTheForwardMask() {
        Dropout d = new Dropout(0.5, 3L);
        d.build(new int[] {50}, 0);
        float[] x = new float[100];
        java.util.Arrays.fill(x, 2f);
        Layer.Scratch s = d.newScratch(2);
        float[] y = new float[100], dy = new float[100], dx = new float[100];
        d.forward(x, y, 2, true, s);
        java.util.Arrays.fill(dy, 1f);
        d.backward(x, y, dy, dx, 2, s);
        for (int i = 0; i < 100; i++) assertEquals(y[i] / 2f, dx[i], 1e-6);
        assertTrue(java.util.stream.IntStream.range(0, 100).anyMatch(i -> dx[i] == 0));
    }
}
