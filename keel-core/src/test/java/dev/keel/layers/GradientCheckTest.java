package dev.keel.layers;

import dev.keel.activations.Activation;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.reshaping.Flatten;
import dev.keel.regularizers.Regularizer;
import dev.keel.testing.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every layer's backward pass against central finite differences, on random shapes. */
class GradientCheckTest {
    private static final double TOL = 2e-2;

    private static float[] random(int n, long seed, double scale, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale + shift);
        return a;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseWithEveryActivation(Activation activation) {
        Dense d = Dense.builder(7).activation(activation).build();
        d.build(new int[] {11}, 3);
        int batch = 5;
        GradCheck.check(d, random(batch * 11, 4, 1.5, 0), batch, true, TOL);
    }

    @Test
    void denseWithoutBiasOnWideShape() {
        Dense d = Dense.builder(37).useBias(false).activation(Activation.TANH).build();
        d.build(new int[] {50}, 5);
        GradCheck.check(d, random(9 * 50, 6, 1, 0), 9, true, TOL);
    }

    @Test
    void denseOnRank3InputActsOnLastAxis() {
        Dense d = new Dense(4, Activation.SIGMOID);
        d.build(new int[] {3, 6}, 5);
        GradCheck.check(d, random(2 * 3 * 6, 7, 1, 0), 2, true, TOL);
    }

    @Test
    void batchNormalizationTrainingMode() {
        BatchNormalization bn = BatchNormalization.builder().momentum(0.9).epsilon(1e-3).build();
        bn.build(new int[] {19}, 1);
        randomize(bn, 8);
        GradCheck.check(bn, random(12 * 19, 9, 2, 0.5), 12, true, TOL);
    }

    @Test
    void batchNormalizationWithoutCenterOrScale() {
        for (boolean center : new boolean[] {true, false}) {
            for (boolean scale : new boolean[] {true, false}) {
                BatchNormalization bn = BatchNormalization.builder().center(center).scale(scale).build();
                bn.build(new int[] {6}, 1);
                randomize(bn, 10);
                GradCheck.check(bn, random(7 * 6, 11, 1, 0), 7, true, TOL);
            }
        }
    }

    @Test
    void batchNormalizationInferenceMode() {
        BatchNormalization bn = new BatchNormalization();
        bn.build(new int[] {5}, 1);
        randomize(bn, 12);
        GradCheck.check(bn, random(4 * 5, 13, 1, 0), 4, false, TOL);
    }

    @Test
    void frozenBatchNormalizationPassesGradientThroughItsInferenceMap() {
        BatchNormalization bn = new BatchNormalization();
        bn.build(new int[] {5}, 1);
        randomize(bn, 14);
        bn.trainable(false);
        GradCheck.check(bn, random(4 * 5, 15, 1, 0), 4, true, TOL);
    }

    @Test
    void layerNormalization() {
        LayerNormalization ln = new LayerNormalization();
        ln.build(new int[] {13}, 1);
        randomize(ln, 16);
        GradCheck.check(ln, random(6 * 13, 17, 2, 1), 6, true, TOL);
    }

    @Test
    void preprocessingAndReshapingLayers() {
        Normalization norm = new Normalization(new float[] {1, -2, 0.5f}, new float[] {4, 0.25f, 1}, false);
        norm.build(new int[] {3}, 0);
        GradCheck.check(norm, random(5 * 3, 18, 1, 0), 5, true, TOL);
        Normalization inv = new Normalization(new float[] {1, -2, 0.5f}, new float[] {4, 0.25f, 1}, true);
        inv.build(new int[] {3}, 0);
        GradCheck.check(inv, random(5 * 3, 19, 1, 0), 5, true, TOL);
        Rescaling rescale = new Rescaling(1 / 255.0, -0.5);
        rescale.build(new int[] {4}, 0);
        GradCheck.check(rescale, random(3 * 4, 20, 100, 100), 3, true, TOL);
        Flatten flat = new Flatten();
        flat.build(new int[] {2, 3}, 0);
        GradCheck.check(flat, random(4 * 6, 21, 1, 0), 4, true, TOL);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationLayer(Activation activation) {
        ActivationLayer a = new ActivationLayer(activation);
        a.build(new int[] {9}, 0);
        GradCheck.check(a, random(4 * 9, 22, 2, 0), 4, true, TOL);
    }

    @Test
    void regularizerGradientMatchesItsPenalty() {
        Regularizer reg = Regularizer.l1l2(0.01, 0.02);
        float[] w = random(20, 23, 1, 0);
        float[] g = new float[20];
        reg.addGradient(w, g);
        for (int i = 0; i < w.length; i++) {
            float orig = w[i];
            w[i] = orig + 1e-3f;
            double up = reg.penalty(w);
            w[i] = orig - 1e-3f;
            double down = reg.penalty(w);
            w[i] = orig;
            double numeric = (up - down) / ((double) (orig + 1e-3f) - (double) (orig - 1e-3f));
            org.junit.jupiter.api.Assertions.assertEquals(numeric, g[i], 1e-3);
        }
    }

    /** Moves γ, β and the moving statistics away from their initial values so every term is exercised. */
    private static void randomize(Layer layer, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Weight w : layer.weights()) {
            float[] v = w.value();
            for (int i = 0; i < v.length; i++) {
                v[i] = w.name().contains("variance") || w.name().equals("gamma")
                        ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() - 0.5);
            }
        }
    }
}
