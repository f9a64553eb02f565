package dev.keel.metrics;

/** Keras's {@code binary_accuracy}: mean over outputs of [(ŷ > threshold) == t], threshold 0.5. */
public final class BinaryAccuracy extends MeanMetric {
    private final double threshold;

    public BinaryAccuracy(String name, double threshold) {
        super(name);
        this.threshold = threshold;
    }

    @Override
    protected double sampleValue(float[] yTrue, float[] yPred, int b, int cols, boolean sparse) {
        int hits = 0;
        for (int j = 0; j < cols; j++) {
            boolean pred = yPred[b * cols + j] > threshold, truth = yTrue[b * cols + j] > 0.5f;
            if (pred == truth) hits++;
        }
        return hits / (double) cols;
    }
}
