package dev.keel.metrics;

/** Keras's {@code top_k_categorical_accuracy} (k = 5): the true class is among the k highest predictions. */
public final class TopKCategoricalAccuracy extends MeanMetric {
    private final int k;

    public TopKCategoricalAccuracy(int k) {
        super("top_k_categorical_accuracy");
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        this.k = k;
    }

    @Override
    protected double sampleValue(float[] yTrue, float[] yPred, int b, int cols, boolean sparse) {
        int t = trueClass(yTrue, b, cols, sparse);
        float pt = yPred[b * cols + t];
        int higher = 0;
        for (int j = 0; j < cols; j++) if (yPred[b * cols + j] > pt) higher++;
        return higher < k ? 1 : 0;
    }
}
