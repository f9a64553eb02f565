package dev.keel.layers;

import static dev.keel.testing.Fixtures.assertClose;
import static dev.keel.testing.Fixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNormalization: Keras's defaults and semantics, TF.js reference values, and the edge cases. */
class BatchNormalizationTest {
    private static BatchNormalization built(BatchNormalization bn, int features) {
        bn.build(new int[] {features}, 1);
        return bn;
    }

    private static float[] forward(BatchNormalization bn, float[] x, int batch, boolean training) {
        float[] y = new float[x.length];
        bn.forward(x, y, batch, training, bn.newScratch(batch));
        return y;
    }

    @Test
    void defaultsAreKeras() {
        Map<String, Object> c = new BatchNormalization().config();
        assertEquals(-1, c.get("axis"));
        assertEquals(0.99, c.get("momentum"));
        assertEquals(1e-3, c.get("epsilon"));
        assertEquals(true, c.get("center"));
        assertEquals(true, c.get("scale"));
        BatchNormalization bn = built(new BatchNormalization(), 3);
        assertArrayEquals(new float[] {1, 1, 1}, bn.gamma());
        assertArrayEquals(new float[] {0, 0, 0}, bn.beta());
        assertArrayEquals(new float[] {0, 0, 0}, bn.movingMean());
        assertArrayEquals(new float[] {1, 1, 1}, bn.movingVariance());
    }

    @Test
    void weightsAreOrderedAsKerasSavesThem() {
        assertEquals(List.of("gamma", "beta", "moving_mean", "moving_variance"), names(built(new BatchNormalization(), 4)));
        assertEquals(List.of("beta", "moving_mean", "moving_variance"), names(built(BatchNormalization.builder().scale(false).build(), 4)));
        assertEquals(List.of("gamma", "moving_mean", "moving_variance"), names(built(BatchNormalization.builder().center(false).build(), 4)));
        assertEquals(List.of("moving_mean", "moving_variance"), names(built(BatchNormalization.builder().center(false).scale(false).build(), 4)));
    }

    @Test
    void movingStatisticsAreNonTrainableAndCountedAsSuch() {
        BatchNormalization bn = built(new BatchNormalization(), 128);
        assertEquals(512, bn.countAll());
        assertEquals(256, bn.countTrainable());
        assertTrue(bn.weight("moving_mean") instanceof Buffer);
        assertTrue(bn.weight("gamma") instanceof Parameter);
    }

    private static List<String> names(Layer l) {
        return l.weights().stream().map(Weight::name).toList();
    }

    @Test
    void matchesTensorFlowJsLayerInTrainingAndInference() {
        for (JsonNode c : Fixtures.load("batchnorm.json").get("layer_cases")) {
            int batch = c.get("batch").asInt(), f = c.get("features").asInt();
            BatchNormalization bn = built(BatchNormalization.builder().momentum(c.get("momentum").asDouble())
                    .epsilon(c.get("epsilon").asDouble()).build(), f);
            bn.weight("gamma").set(floats(c.get("gamma")));
            bn.weight("beta").set(floats(c.get("beta")));
            bn.weight("moving_mean").set(floats(c.get("moving_mean")));
            bn.weight("moving_variance").set(floats(c.get("moving_variance")));
            float[] x = floats(c.get("x"));
            assertClose(floats(c.get("y_inference")), forward(bn, x, batch, false), 1e-5, 1e-5, "inference y");

            Layer.Scratch s = bn.newScratch(batch);
            float[] y = new float[x.length];
            bn.forward(x, y, batch, true, s);
            assertClose(floats(c.get("y_training")), y, 1e-4, 1e-5, "training y");
            assertClose(floats(c.get("moving_mean_after")), bn.movingMean(), 1e-5, 1e-6, "moving_mean");
            assertClose(floats(c.get("moving_variance_after")), bn.movingVariance(), 1e-5, 1e-6, "moving_variance");

            float[] dx = new float[x.length];
            bn.backward(x, y, floats(c.get("dy")), dx, batch, s);
            assertClose(floats(c.get("dx")), dx, 1e-3, 1e-5, "dx");
            assertClose(floats(c.get("dgamma")), ((Parameter) bn.weight("gamma")).grad(), 1e-4, 1e-5, "dgamma");
            assertClose(floats(c.get("dbeta")), ((Parameter) bn.weight("beta")).grad(), 1e-5, 1e-5, "dbeta");
        }
    }

    @Test
    void matchesReferenceWithoutCenterOrScale() {
        for (JsonNode c : Fixtures.load("batchnorm.json").get("ops_cases")) {
            int batch = c.get("batch").asInt(), f = c.get("features").asInt();
            boolean center = c.get("center").asBoolean(), scale = c.get("scale").asBoolean();
            BatchNormalization bn = built(BatchNormalization.builder().momentum(c.get("momentum").asDouble())
                    .epsilon(c.get("epsilon").asDouble()).center(center).scale(scale).build(), f);
            if (scale) bn.weight("gamma").set(floats(c.get("gamma")));
            if (center) bn.weight("beta").set(floats(c.get("beta")));
            bn.weight("moving_mean").set(floats(c.get("moving_mean")));
            bn.weight("moving_variance").set(floats(c.get("moving_variance")));
            float[] x = floats(c.get("x"));
            String what = "center=" + center + " scale=" + scale + ": ";
            assertClose(floats(c.get("y_inference")), forward(bn, x, batch, false), 1e-5, 1e-5, what + "inference y");
            Layer.Scratch s = bn.newScratch(batch);
            float[] y = new float[x.length], dx = new float[x.length];
            bn.forward(x, y, batch, true, s);
            assertClose(floats(c.get("y_training")), y, 1e-4, 1e-5, what + "training y");
            assertClose(floats(c.get("moving_mean_after")), bn.movingMean(), 1e-5, 1e-6, what + "moving_mean");
            assertClose(floats(c.get("moving_variance_after")), bn.movingVariance(), 1e-5, 1e-6, what + "moving_variance");
            bn.backward(x, y, floats(c.get("dy")), dx, batch, s);
            assertClose(floats(c.get("dx")), dx, 1e-3, 1e-5, what + "dx");
        }
    }

    @Test
    void frozenLayerRunsInInferenceModeAndKeepsItsStatistics() {
        BatchNormalization bn = built(new BatchNormalization(), 2);
        bn.weight("moving_mean").set(new float[] {1, 2});
        bn.weight("moving_variance").set(new float[] {4, 9});
        bn.trainable(false);
        float[] x = {3, 5, -1, 8};
        float[] y = forward(bn, x, 2, true);   // training=true, but frozen
        assertClose(forward(bn, x, 2, false), y, 0, 0, "frozen training output equals inference output");
        assertArrayEquals(new float[] {1, 2}, bn.movingMean());
        assertArrayEquals(new float[] {4, 9}, bn.movingVariance());
        assertEquals(0, bn.trainableParameters().size());
        assertEquals((3 - 1) / Math.sqrt(4 + 1e-3), y[0], 1e-6);
    }

    @Test
    void batchOfOneGivesBetaNotNaN() {
        BatchNormalization bn = built(new BatchNormalization(), 3);
        bn.weight("beta").set(new float[] {0.5f, -1, 2});
        float[] y = forward(bn, new float[] {7, -3, 1e6f}, 1, true);
        assertArrayEquals(new float[] {0.5f, -1, 2}, y);
    }

    @Test
    void constantFeatureGivesBeta() {
        BatchNormalization bn = built(new BatchNormalization(), 2);
        bn.weight("beta").set(new float[] {0.25f, 0});
        float[] y = forward(bn, new float[] {4, 1, 4, 2, 4, 3}, 3, true);
        assertEquals(0.25f, y[0]);
        assertEquals(0.25f, y[2]);
        assertEquals(0.25f, y[4]);
    }

    @Test
    void largeMeanInputsNormaliseCorrectly() {
        BatchNormalization bn = built(BatchNormalization.builder().epsilon(1e-5).build(), 1);
        int batch = 256;
        float[] x = new float[batch];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < batch; i++) x[i] = (float) (1e4 + r.nextGaussian());
        float[] y = forward(bn, x, batch, true);
        double m = 0, v = 0;
        for (float t : y) m += t;
        m /= batch;
        for (float t : y) v += (t - m) * (t - m);
        v /= batch;
        assertEquals(0, m, 1e-3);
        assertEquals(1, v, 1e-2);
    }

    @Test
    void nanInTrainingBatchIsReportedAndMovingStatisticsAreUntouched() {
        BatchNormalization bn = built(new BatchNormalization(), 2);
        var e = assertThrows(NonFiniteException.class, () -> forward(bn, new float[] {1, Float.NaN, 3, 4}, 2, true));
        assertTrue(e.getMessage().contains("feature 1"), e.getMessage());
        assertArrayEquals(new float[] {0, 0}, bn.movingMean());
        assertArrayEquals(new float[] {1, 1}, bn.movingVariance());
        assertThrows(NonFiniteException.class, () -> forward(bn, new float[] {1, 2, Float.POSITIVE_INFINITY, 4}, 2, true));
    }

    @Test
    void invalidHyperparametersAreRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().momentum(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().epsilon(0).build());
        assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().epsilon(Double.NaN).build());
        var e = assertThrows(IllegalArgumentException.class, () -> BatchNormalization.builder().axis(1).build().build(new int[] {4, 5}, 0));
        assertTrue(e.getMessage().contains("axis=1"), e.getMessage());
    }

    @Test
    void inferenceAffineEqualsInferenceForward() {
        BatchNormalization bn = built(BatchNormalization.builder().epsilon(1e-5).build(), 3);
        bn.weight("gamma").set(new float[] {0.5f, 2, -1});
        bn.weight("beta").set(new float[] {1, 0, -0.5f});
        bn.weight("moving_mean").set(new float[] {0.1f, -3, 2});
        bn.weight("moving_variance").set(new float[] {0.5f, 2, 8});
        float[] x = {1, 2, 3, -1, 0.5f, 7};
        float[] y = forward(bn, x, 2, false);
        float[][] ac = bn.inferenceAffine();
        for (int i = 0; i < x.length; i++) assertEquals(y[i], ac[0][i % 3] * x[i] + ac[1][i % 3], 1e-5);
    }
}
