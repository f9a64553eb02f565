package dev.keel.optimizers;

import dev.keel.kernels.Updates;

/**
 * Keras 3's RMSprop: {@code learning_rate=1e-3, rho=0.9, momentum=0, epsilon=1e-7, centered=false}.
 * <pre>
 * v ← ρ·v + (1 − ρ)·g²
 * centered:  a ← ρ·a + (1 − ρ)·g,  denominator = v − a² + ε;  else denominator = v + ε
 * increment = lr·g/√denominator
 * momentum > 0:  m ← momentum·m + increment, w ← w − m;  else w ← w − increment
 * </pre>
 */
public final class RMSprop extends Optimizer {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    public RMSprop() {
        this(1e-3);
    }

    public RMSprop(double learningRate) {
        this(new Common(learningRate), 0.9, 0.0, 1e-7, false);
    }

    public RMSprop(Common common, double rho, double momentum, double epsilon, boolean centered) {
        super(common);
        if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must be in [0, 1), got " + rho);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(epsilon >= 0)) throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    protected java.util.Map<String, Object> ownConfig() {
        return java.util.Map.of("rho", rho, "momentum", momentum, "epsilon", epsilon, "centered", centered);
    }

    /** Keras creates velocities, then momentums only if momentum > 0, then average gradients only if centered. */
    @Override
    protected java.util.List<int[]> kerasSlotOrder() {
        java.util.List<int[]> order = new java.util.ArrayList<>();
        order.add(new int[] {0});
        if (momentum > 0) order.add(new int[] {2});
        if (centered) order.add(new int[] {1});
        return order;
    }

    @Override
    protected int slotCount() {
        return 3;
    }

    @Override
    protected void update(float[] w, float[] g, float[][] s, double lr, long step) {
        float[] v = s[0], a = s[1], m = s[2];
        float r = (float) rho, r1 = (float) (1 - rho), mu = (float) momentum, eps = (float) epsilon, l = (float) lr;
        for (int i = 0; i < w.length; i++) {
            v[i] = Updates.flush(r * v[i] + r1 * g[i] * g[i]);
            float denom;
            if (centered) {
                a[i] = Updates.flush(r * a[i] + r1 * g[i]);
                denom = v[i] - a[i] * a[i] + eps;
            } else {
                denom = v[i] + eps;
            }
            float inc = l * g[i] / (float) Math.sqrt(denom);
            if (momentum > 0) {
                m[i] = Updates.flush(mu * m[i] + inc);
                w[i] -= m[i];
            } else {
                w[i] -= inc;
            }
        }
    }
}
