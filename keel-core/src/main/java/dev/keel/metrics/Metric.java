package dev.keel.metrics;

/**
 * A streaming metric, as Keras's: {@link #update} accumulates over batches, {@link #result} is the
 * (sample-weighted) mean so far, {@link #reset} starts a new epoch.
 */
public interface Metric {
    /** The name in logs and History: "accuracy", "mse", …. */
    String name();

    void reset();

    /** Adds a batch: targets as the loss sees them, predictions {@code yPred[B×cols]}, weights may be null. */
    void update(float[] yTrue, float[] yPred, int batch, int cols, boolean sparseTargets, float[] weights);

    double result();
}
