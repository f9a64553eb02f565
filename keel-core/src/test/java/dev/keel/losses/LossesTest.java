package dev.keel.losses;

import static dev.keel.testing.Fixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.metrics.CategoricalAccuracy;
import dev.keel.testing.Fixtures;
import org.junit.jupiter.api.Test;

class LossesTest {
    private static final JsonNode F = Fixtures.load("losses.json");
    private static final int B = F.get("batch").asInt(), C = F.get("classes").asInt();

    private static double value(Loss loss, float[] t, float[] p) {
        double[] per = new double[B];
        loss.perSample(t, p, B, C, per);
        return loss.reduce(per, B, null);
    }

    @Test
    void valuesMatchTensorFlowJs() {
        float[] probs = floats(F.get("probs")), onehot = floats(F.get("onehot")), logits = floats(F.get("logits"));
        float[] labels = floats(F.get("labels"));
        float[] reg = floats(F.get("regression_pred")), regT = floats(F.get("regression_true"));
        assertEquals(F.get("categorical_crossentropy").asDouble(), value(new CategoricalCrossentropy(), onehot, probs), 1e-5);
        assertEquals(F.get("categorical_crossentropy").asDouble(), value(new SparseCategoricalCrossentropy(), labels, probs), 1e-5);
        assertEquals(F.get("categorical_crossentropy_from_logits").asDouble(), value(new CategoricalCrossentropy(true, 0), onehot, logits), 1e-5);
        assertEquals(F.get("binary_crossentropy").asDouble(), value(new BinaryCrossentropy(), floats(F.get("binary_targets")), probs), 1e-5);
        assertEquals(F.get("mean_squared_error").asDouble(), value(new MeanSquaredError(), regT, reg), 1e-5);
        assertEquals(F.get("mean_absolute_error").asDouble(), value(new MeanAbsoluteError(), regT, reg), 1e-5);
        assertEquals(F.get("huber").asDouble(), value(new Huber(1.0), regT, reg), 1e-5);
        CategoricalAccuracy acc = new CategoricalAccuracy();
        acc.update(onehot, probs, B, C, false, null);
        assertEquals(F.get("categorical_accuracy").asDouble(), acc.result(), 1e-7);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        float[] probs = floats(F.get("probs")), onehot = floats(F.get("onehot")), logits = floats(F.get("logits"));
        float[] reg = floats(F.get("regression_pred")), regT = floats(F.get("regression_true"));
        float[] bin = floats(F.get("binary_targets"));
        float[] w = {1, 0.5f, 2, 1, 0, 1.5f};
        check(new CategoricalCrossentropy(), onehot, probs, w);
        check(new CategoricalCrossentropy(false, 0.1), onehot, probs, w);
        check(new CategoricalCrossentropy(true, 0.2), onehot, logits, w);
        check(new BinaryCrossentropy(), bin, probs, w);
        check(new BinaryCrossentropy(true), bin, logits, w);
        check(new MeanSquaredError(), regT, reg, w);
        check(new MeanAbsoluteError(), regT, reg, null);
        check(new Huber(0.7), regT, reg, w);
    }

    private static void check(Loss loss, float[] t, float[] p, float[] w) {
        float[] g = new float[p.length];
        loss.gradient(t, p, B, C, w, g);
        double[] per = new double[B];
        for (int i = 0; i < p.length; i++) {
            float orig = p[i], h = (float) Math.max(1e-5, 1e-3 * Math.abs(orig));
            p[i] = orig + h;
            loss.perSample(t, p, B, C, per);
            double up = loss.reduce(per, B, w);
            p[i] = orig - h;
            loss.perSample(t, p, B, C, per);
            double down = loss.reduce(per, B, w);
            p[i] = orig;
            double numeric = (up - down) / ((double) (orig + h) - (double) (orig - h));
            assertEquals(numeric, g[i], 2e-3 * (1 + Math.abs(numeric)), loss.name() + " gradient at " + i);
        }
    }

    @Test
    void fusedSoftmaxGradientEqualsChainRuleThroughSoftmax() {
        float[] probs = floats(F.get("probs")), onehot = floats(F.get("onehot"));
        CategoricalCrossentropy cce = new CategoricalCrossentropy(false, 0.1);
        float[] fused = new float[probs.length], dy = new float[probs.length], chained = new float[probs.length];
        cce.softmaxLogitGradient(onehot, probs, B, C, null, fused);
        cce.gradient(onehot, probs, B, C, null, dy);
        dev.keel.kernels.Elementwise.softmaxBackward(probs, dy, chained, B, C);
        for (int i = 0; i < fused.length; i++) assertEquals(chained[i], fused[i], 1e-5);
    }

    @Test
    void unknownNamesListTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.of("crossentropy"));
        assertTrue(e.getMessage().contains("categorical_crossentropy"), e.getMessage());
    }
}
