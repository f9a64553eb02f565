package dev.keel.optimizers;

/**
 * Keras 3's Adagrad: {@code learning_rate=1e-3, initial_accumulator_value=0.1, epsilon=1e-7}.
 * {@code acc ← acc + g²; w ← w − lr·g/√(acc + ε)}.
 */
public final class Adagrad extends Optimizer {
    private final double initialAccumulator;
    private final double epsilon;

    public Adagrad() {
        this(1e-3);
    }

    public Adagrad(double learningRate) {
        this(new Common(learningRate), 0.1, 1e-7);
    }

    public Adagrad(Common common, double initialAccumulator, double epsilon) {
        super(common);
        if (!(initialAccumulator >= 0)) throw new IllegalArgumentException("initial_accumulator_value must be >= 0, got " + initialAccumulator);
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    protected java.util.Map<String, Object> ownConfig() {
        return java.util.Map.of("initial_accumulator_value", initialAccumulator, "epsilon", epsilon);
    }

    @Override
    protected int slotCount() {
        return 1;
    }

    @Override
    protected void initSlots(float[][] s) {
        java.util.Arrays.fill(s[0], (float) initialAccumulator);
    }

    @Override
    protected void update(float[] w, float[] g, float[][] s, double lr, long step) {
        float[] acc = s[0];
        float l = (float) lr, eps = (float) epsilon;
        for (int i = 0; i < w.length; i++) {
            acc[i] += g[i] * g[i];
            w[i] -= l * g[i] / (float) Math.sqrt(acc[i] + eps);
        }
    }
}
