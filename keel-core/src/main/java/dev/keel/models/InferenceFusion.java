package dev.keel.models;

import dev.keel.activations.Activation;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.regularization.Dropout;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds BatchNormalization into neighbouring Dense layers for inference. At inference BN is the per-feature
 * affine map {@code y = a·x + c}, {@code a = γ/√(σ²+ε)}, {@code c = β − μ·a}, so:
 * <ul>
 *   <li>after a Dense with a linear activation ({@code Dense(use_bias=false) → BN → Activation}):
 *       {@code W' = W·diag(a)}, {@code b' = b·a + c};</li>
 *   <li>before a Dense (the article's {@code Dense(relu) → BN → Dense}):
 *       {@code W' = diag(a)·W}, {@code b' = b + cᵀ·W}.</li>
 * </ul>
 * A BN between two nonlinearities stays (it is already a cheap scale-and-shift). Dropout, the identity at
 * inference, is removed. The result is an independent copy; the original model is untouched.
 */
final class InferenceFusion {
    private InferenceFusion() {}

    static Sequential fuse(Sequential model) {
        // Work on copies of the layers in inference order, Dropout removed.
        List<Layer> src = new ArrayList<>();
        for (Layer l : model.layers()) if (!(l instanceof Dropout)) src.add(l);
        List<Layer> out = new ArrayList<>();
        List<float[][]> weights = new ArrayList<>();   // per output layer: its weight values, in layer order
        for (int i = 0; i < src.size(); i++) {
            Layer l = src.get(i);
            if (l instanceof BatchNormalization bn && !out.isEmpty() && out.get(out.size() - 1) instanceof Dense prev
                    && prev.activation() == Activation.LINEAR && sameFeatures(bn, prev)) {
                float[][] ac = bn.inferenceAffine();
                float[][] pw = weights.get(weights.size() - 1);
                int in = pw[0].length / prev.units(), units = prev.units();
                float[] w = pw[0].clone(), b = new float[units];
                for (int r = 0; r < in; r++) for (int u = 0; u < units; u++) w[r * units + u] *= ac[0][u];
                for (int u = 0; u < units; u++) b[u] = (prev.useBias() ? pw[1][u] : 0f) * ac[0][u] + ac[1][u];
                Dense withBias = (Dense) prev.toBuilder().useBias(true).build().name(prev.name());
                out.set(out.size() - 1, withBias);
                weights.set(weights.size() - 1, new float[][] {w, b});
                continue;
            }
            if (l instanceof BatchNormalization bn && i + 1 < src.size() && src.get(i + 1) instanceof Dense next && next.inputShape().length == 1) {
                float[][] ac = bn.inferenceAffine();
                float[] w = next.weight("kernel").value();
                int in = next.inputSize(), units = next.units();
                float[] w2 = new float[w.length], b2 = new float[units];
                for (int r = 0; r < in; r++) {
                    for (int u = 0; u < units; u++) {
                        w2[r * units + u] = ac[0][r] * w[r * units + u];
                        b2[u] += ac[1][r] * w[r * units + u];
                    }
                }
                if (next.useBias()) for (int u = 0; u < units; u++) b2[u] += next.weight("bias").value()[u];
                out.add(next.toBuilder().useBias(true).build().name(next.name()));
                weights.add(new float[][] {w2, b2});
                i++;   // the next Dense is consumed
                continue;
            }
            out.add(l.copyConfiguration());
            weights.add(values(l));
        }
        Sequential fused = new Sequential(out).name(model.name() + "_fused");
        fused.build(model.inputShape());
        for (int i = 0; i < out.size(); i++) {
            List<Weight> ws = out.get(i).weights();
            for (int k = 0; k < ws.size(); k++) ws.get(k).set(weights.get(i)[k]);
        }
        return fused;
    }

    private static boolean sameFeatures(BatchNormalization bn, Dense prev) {
        return bn.inputShape().length == 1 && prev.units() == bn.inputSize();
    }

    private static float[][] values(Layer l) {
        List<Weight> ws = l.weights();
        float[][] v = new float[ws.size()][];
        for (int k = 0; k < v.length; k++) v[k] = ws.get(k).value().clone();
        return v;
    }
}
