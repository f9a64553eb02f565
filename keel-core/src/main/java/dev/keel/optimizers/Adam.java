package dev.keel.optimizers;

import dev.keel.kernels.Updates;

/**
 * Adam (Kingma &amp; Ba, 2015, Algorithm 1) in Keras 3's form: {@code learning_rate=1e-3, beta_1=0.9,
 * beta_2=0.999, epsilon=1e-7, amsgrad=false}. At step t = iterations + 1:
 * <pre>
 * α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)
 * m ← m + (g − m)·(1 − β₁)
 * v ← v + (g² − v)·(1 − β₂)
 * v̂ ← max(v̂, v) if amsgrad, else v̂ = v
 * w ← w − α·m/(√v̂ + ε)
 * </pre>
 * Note ε is added to √v̂ before bias correction (Keras/TensorFlow's "epsilon hat"); PyTorch and TF.js add it
 * after, which differs noticeably only while √v is comparable to ε.
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;

    public Adam() {
        this(1e-3);
    }

    public Adam(double learningRate) {
        this(new Common(learningRate), 0.9, 0.999, 1e-7, false);
    }

    public Adam(Common common, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(common);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta_1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta_2 must be in [0, 1), got " + beta2);
        if (!(epsilon >= 0)) throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.amsgrad = amsgrad;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    protected java.util.Map<String, Object> ownConfig() {
        return java.util.Map.of("beta_1", beta1, "beta_2", beta2, "epsilon", epsilon, "amsgrad", amsgrad);
    }

    @Override
    protected java.util.List<int[]> kerasSlotOrder() {
        return amsgrad ? java.util.List.of(new int[] {0, 1}, new int[] {2}) : java.util.List.<int[]>of(new int[] {0, 1});
    }

    @Override
    protected int slotCount() {
        return amsgrad ? 3 : 2;
    }

    @Override
    protected ElementUpdate elementUpdate(double lr, long step) {
        if (amsgrad) return null;
        float alpha = alpha(lr, step), b1 = (float) (1 - beta1), b2 = (float) (1 - beta2), eps = (float) epsilon;
        return (w, g, s, from, to) -> Updates.adam(w, g, s[0], s[1], alpha, b1, b2, eps, from, to);
    }

    /** The step size with both bias corrections, at step t = step + 1. */
    private float alpha(double lr, long step) {
        long t = step + 1;
        return (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
    }

    @Override
    protected void update(float[] w, float[] g, float[][] s, double lr, long step) {
        float alpha = alpha(lr, step), b1 = (float) (1 - beta1), b2 = (float) (1 - beta2), eps = (float) epsilon;
        float[] m = s[0], v = s[1];
        if (!amsgrad) {
            Updates.adam(w, g, m, v, alpha, b1, b2, eps);
            return;
        }
        float[] vhat = s[2];
        for (int i = 0; i < w.length; i++) {
            m[i] = Updates.flush(m[i] + (g[i] - m[i]) * b1);
            v[i] = Updates.flush(v[i] + (g[i] * g[i] - v[i]) * b2);
            vhat[i] = Math.max(vhat[i], v[i]);
            w[i] -= alpha * m[i] / ((float) Math.sqrt(vhat[i]) + eps);
        }
    }
}
