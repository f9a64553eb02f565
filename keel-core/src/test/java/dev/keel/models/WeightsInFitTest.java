package dev.keel.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.optimizers.SGD;
import dev.keel.trainers.FitConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sample_weight and class_weight scale each sample's loss and gradient, as in Keras. */
class WeightsInFitTest {
    private static Sequential model() {
        Sequential m = new Sequential(new InputLayer(3), new Dense(2, Activation.SOFTMAX)).seed(5);
        m.compile(new SGD(0.1), "sparse_categorical_crossentropy");
        return m;
    }

    @Test
    void classWeightEqualsTheSameSampleWeights() {
        float[] x = {1, 0, 2, 0, 1, 1, 3, 1, 0, 2, 2, 2};
        float[] y = {0, 1, 1, 0};
        Tensor tx = Tensor.of(x, 4, 3), ty = Tensor.of(y, 4);
        Sequential a = model(), b = model();
        a.fit(tx, ty, FitConfig.builder().epochs(2).batchSize(2).shuffle(false).verbose(0).classWeight(Map.of(0, 3.0, 1, 0.5)).build());
        b.fit(tx, ty, FitConfig.builder().epochs(2).batchSize(2).shuffle(false).verbose(0).sampleWeight(new float[] {3, 0.5f, 0.5f, 3}).build());
        float[][] wa = a.getWeights(), wb = b.getWeights();
        for (int i = 0; i < wa.length; i++) for (int j = 0; j < wa[i].length; j++) assertEquals(wa[i][j], wb[i][j], 1e-7);
    }

    @Test
    void zeroSampleWeightMeansTheSampleIsIgnored() {
        Tensor tx = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3), ty = Tensor.of(new float[] {0, 1}, 2);
        Sequential a = model(), b = model();
        a.fit(tx, ty, FitConfig.builder().epochs(1).batchSize(2).shuffle(false).verbose(0).sampleWeight(new float[] {1, 0}).build());
        // Keras divides by the batch size, so sample 0 alone with weight 1 in a batch of 2 is half its plain gradient.
        b.fit(tx.slice(0, 1), ty.slice(0, 1), FitConfig.builder().epochs(1).batchSize(1).shuffle(false).verbose(0)
                .sampleWeight(new float[] {0.5f}).build());
        float[][] wa = a.getWeights(), wb = b.getWeights();
        for (int i = 0; i < wa.length; i++) for (int j = 0; j < wa[i].length; j++) assertEquals(wa[i][j], wb[i][j], 1e-6);
    }
}
