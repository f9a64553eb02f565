package dev.keel.metrics;

/**
 * Fraction of samples whose predicted class (argmax) equals the true class: Keras's
 * {@code categorical_accuracy} for one-hot targets and {@code sparse_categorical_accuracy} for class indices.
 */
public final class CategoricalAccuracy extends MeanMetric {
    public CategoricalAccuracy() {
        this("accuracy");
    }

    public CategoricalAccuracy(String name) {
        super(name);
    }

    @Override
    protected double sampleValue(float[] yTrue, float[] yPred, int b, int cols, boolean sparse) {
        return argmax(yPred, b, cols) == trueClass(yTrue, b, cols, sparse) ? 1 : 0;
    }
}
