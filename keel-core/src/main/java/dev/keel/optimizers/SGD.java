package dev.keel.optimizers;

import dev.keel.kernels.Updates;

/**
 * Keras's SGD: {@code learning_rate=0.01, momentum=0, nesterov=false}.
 * <pre>
 * momentum = 0:   w ← w − lr·g
 * otherwise:      m ← momentum·m − lr·g
 *                 w ← w + m                        (plain)
 *                 w ← w + momentum·m − lr·g        (nesterov)
 * </pre>
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final boolean nesterov;

    public SGD() {
        this(0.01, 0.0, false);
    }

    public SGD(double learningRate) {
        this(learningRate, 0.0, false);
    }

    public SGD(double learningRate, double momentum, boolean nesterov) {
        this(new Common(learningRate), momentum, nesterov);
    }

    public SGD(Common common, double momentum, boolean nesterov) {
        super(common);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("SGD momentum must be in [0, 1], got " + momentum);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    protected java.util.Map<String, Object> ownConfig() {
        return java.util.Map.of("momentum", momentum, "nesterov", nesterov);
    }

    @Override
    protected int slotCount() {
        return momentum > 0 ? 1 : 0;
    }

    @Override
    protected void update(float[] w, float[] g, float[][] s, double lr, long step) {
        float a = (float) lr;
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= a * g[i];
            return;
        }
        float mu = (float) momentum;
        float[] m = s[0];
        for (int i = 0; i < w.length; i++) {
            m[i] = Updates.flush(mu * m[i] - a * g[i]);
            w[i] += nesterov ? mu * m[i] - a * g[i] : m[i];
        }
    }
}
