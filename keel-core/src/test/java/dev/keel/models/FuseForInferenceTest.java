package dev.keel.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.regularization.Dropout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FuseForInferenceTest {
    /** Random moving statistics and γ/β, so folding has something to fold. */
    private static void randomize(Sequential m) {
        SplittableRandom r = new SplittableRandom(3);
        for (Layer l : m.layers()) {
            if (!(l instanceof BatchNormalization)) continue;
            for (Weight w : l.weights()) {
                float[] v = w.value();
                for (int i = 0; i < v.length; i++) v[i] = (float) (w.name().contains("variance") || w.name().equals("gamma") ? 0.5 + r.nextDouble() : r.nextDouble() - 0.5);
            }
        }
    }

    private static Tensor input(int n, int f) {
        float[] x = new float[n * f];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(0.37 * i);
        return Tensor.of(x, n, f);
    }

    private static void assertSamePredictions(Sequential a, Sequential b, Tensor x) {
        float[] pa = a.predict(x).data(), pb = b.predict(x).data();
        for (int i = 0; i < pa.length; i++) assertEquals(pa[i], pb[i], 1e-5, "output " + i);
    }

    @Test
    void foldsTheArticlesBatchNormsIntoTheFollowingDense() {
        Sequential m = new Sequential(new InputLayer(12), new Dense(16, Activation.RELU), new BatchNormalization(), new Dropout(0.3),
                new Dense(8, Activation.RELU), new BatchNormalization(), new Dense(4, Activation.SOFTMAX));
        randomize(m);
        Sequential f = m.fuseForInference();
        assertEquals(3, f.layers().size(), "only the three Dense layers remain");
        assertTrue(f.layers().stream().noneMatch(l -> l instanceof BatchNormalization));
        assertSamePredictions(m, f, input(9, 12));
    }

    @Test
    void foldsIntoAPrecedingLinearDenseWithoutBias() {
        Sequential m = new Sequential(new InputLayer(6), Dense.builder(5).useBias(false).build(),
                BatchNormalization.builder().epsilon(1e-5).build(), new ActivationLayer(Activation.RELU), new Dense(2));
        randomize(m);
        Sequential f = m.fuseForInference();
        assertEquals(3, f.layers().size());
        assertTrue(((Dense) f.layers().get(0)).useBias(), "the folded Dense gains the BN shift as its bias");
        assertSamePredictions(m, f, input(7, 6));
    }

    @Test
    void keepsBatchNormBetweenNonlinearitiesAndLeavesTheOriginalUntouched() {
        Sequential m = new Sequential(new InputLayer(4), new Dense(4, Activation.TANH), new BatchNormalization(), new ActivationLayer(Activation.SIGMOID));
        randomize(m);
        float[][] before = m.getWeights();
        Sequential f = m.fuseForInference();
        assertTrue(f.layers().get(1) instanceof BatchNormalization, "nothing to fold into: BN stays");
        assertSamePredictions(m, f, input(5, 4));
        float[][] after = m.getWeights();
        for (int i = 0; i < before.length; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(before[i], after[i]);
        f.layers().get(0).weight("kernel").value()[0] += 1;
        assertEquals(before[0][0], m.layers().get(0).weight("kernel").value()[0], "the copy is independent");
    }
}
