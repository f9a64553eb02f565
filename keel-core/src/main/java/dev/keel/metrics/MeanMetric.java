package dev.keel.metrics;

/**
 * The common shape of Keras's mean metrics: each sample contributes a value, the result is their
 * weighted mean. Subclasses give the per-sample value.
 */
public abstract class MeanMetric implements Metric {
    private final String name;
    private double total;
    private double count;

    protected MeanMetric(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void reset() {
        total = 0;
        count = 0;
    }

    /** The value of sample b. */
    protected abstract double sampleValue(float[] yTrue, float[] yPred, int b, int cols, boolean sparseTargets);

    @Override
    public void update(float[] yTrue, float[] yPred, int batch, int cols, boolean sparseTargets, float[] weights) {
        for (int b = 0; b < batch; b++) {
            double w = weights == null ? 1.0 : weights[b];
            total += w * sampleValue(yTrue, yPred, b, cols, sparseTargets);
            count += w;
        }
    }

    @Override
    public double result() {
        return count == 0 ? 0 : total / count;
    }

    /** Index of the largest value in row b (first on ties, as argmax). */
    static int argmax(float[] v, int b, int cols) {
        int best = 0, o = b * cols;
        for (int j = 1; j < cols; j++) if (v[o + j] > v[o + best]) best = j;
        return best;
    }

    static int trueClass(float[] yTrue, int b, int cols, boolean sparse) {
        return sparse ? (int) yTrue[b] : argmax(yTrue, b, cols);
    }
}
