package dev.keel.losses;

/**
 * A loss with Keras's formulas and the "sum over batch size" reduction:
 * {@code L = Σ_b w_b·ℓ_b / B}, where ℓ_b is one sample's loss and w_b its sample weight (1 by default).
 *
 * <p>Targets are flat: one-hot or dense targets {@code yTrue[B×cols]}, or for sparse losses one class index
 * per sample {@code yTrue[B]}. Predictions are {@code yPred[B×cols]}.
 */
public interface Loss {
    /** Keras's name: "categorical_crossentropy", "mean_squared_error", …. */
    String name();

    /** True when targets are class indices (one per sample) rather than rows of width cols. */
    default boolean sparseTargets() {
        return false;
    }

    /** Writes each sample's loss ℓ_b into {@code out[b]}. */
    void perSample(float[] yTrue, float[] yPred, int batch, int cols, double[] out);

    /** Writes {@code grad = dL/dyPred} for the weighted batch mean ({@code weights} may be null: all 1). */
    void gradient(float[] yTrue, float[] yPred, int batch, int cols, float[] weights, float[] grad);

    /**
     * True when, after a softmax output, this loss can give the gradient at the logits directly
     * ({@link #softmaxLogitGradient}), which is exact and stable.
     */
    default boolean fusesWithSoftmax() {
        return false;
    }

    /** {@code dz = w_b/B·(p − t)} for a softmax output p; only when {@link #fusesWithSoftmax()}. */
    default void softmaxLogitGradient(float[] yTrue, float[] p, int batch, int cols, float[] weights, float[] dz) {
        throw new UnsupportedOperationException(name() + " does not fuse with softmax");
    }

    /** The weighted batch mean of the per-sample losses. */
    default double reduce(double[] perSample, int batch, float[] weights) {
        double s = 0;
        for (int b = 0; b < batch; b++) s += perSample[b] * (weights == null ? 1.0 : weights[b]);
        return s / batch;
    }
}
